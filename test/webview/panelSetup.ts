// Shared steps of the browser tests: a panel showing the fixture run, as the host would drive it.
import assert from 'node:assert/strict';
import type { ServerInfo } from '../../protocol/lsp';
import type { RunManifest, TrialRecord } from '../../protocol/results';
import type { ThemeName } from '../../server/core/report/themeVariables';
import { type Browser, openPanel, type Page, type PanelPage, posted, send } from './browserHarness';
import { loadFixture, summaryOf } from './fixture';

export const SERVER_INFO: ServerInfo = {
  serverVersion: '0.1.0',
  nodeVersion: '20.19.5',
  platform: 'linux',
  arch: 'x64',
  pid: 4242,
  onnxruntimeVersion: '1.30.0',
  executionProviders: [
    { name: 'cpu', bundled: true, libraryPresent: true },
    { name: 'webgpu', bundled: true, libraryPresent: true },
    { name: 'cuda', bundled: false, libraryPresent: false },
  ],
  executionProviderSetting: 'auto',
};

export const fixture: { manifest: RunManifest; trials: TrialRecord[] } = loadFixture();
export const summary = summaryOf(fixture.manifest, fixture.trials);

/** Lets message events, renders and a couple of frames happen. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 50)))));
}

/** The host's side of opening the panel on the fixture run: server info, run list, then the run's data when asked. */
export async function openFixtureRun(browser: Browser, bundle: string, theme: ThemeName, savedState?: unknown): Promise<PanelPage> {
  const panel = await openPanel(browser, bundle, { theme, savedState });
  await send(panel.page, { type: 'serverInfo', info: SERVER_INFO });
  await send(panel.page, { type: 'runs', runs: [summary] });
  const asked = (await posted(panel.page)).filter((m) => m.type === 'openRun');
  assert.deepEqual(asked, [{ type: 'openRun', runId: 'synthetic-run' }]);
  await send(panel.page, { type: 'runData', summary, trials: fixture.trials, warnings: [] });
  await settle(panel.page);
  return panel;
}

/** Chooses a value in one of the filter dropdowns, as a user's pick would. */
export async function choose(page: Page, id: string, value: string): Promise<void> {
  await page.evaluate(
    ([selectId, v]) => {
      const select = document.getElementById(selectId!) as HTMLElement & { value: string };
      select.value = v!;
      select.dispatchEvent(new Event('change'));
    },
    [id, value],
  );
  await settle(page);
}

export async function showTab(page: Page, tab: 'metric' | 'scatter' | 'cost' | 'table' | 'loss'): Promise<void> {
  await page.click(`vscode-tab-header[data-tab="${tab}"]`);
  await settle(page);
}

/** No script error, no CSP violation: checked at the end of every browser test. */
export async function assertClean(panel: PanelPage): Promise<void> {
  assert.deepEqual(panel.pageErrors, []);
  assert.deepEqual(await panel.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
}
