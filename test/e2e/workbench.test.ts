// UI scenarios in the real workbench (code-server 1.100.3 in Chromium), with the extension
// installed from the VSIX as a user would. Screenshots go to test-output/e2e/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, startCodeServer, type CodeServer } from './lib/codeServer';
import { installedExtensions } from './lib/artifacts';
import { openFile, openWorkbench, runCommand, screenshot, webviewContent, type Workbench } from './lib/workbench';

async function withWorkbench(
  name: string,
  files: Record<string, string>,
  body: (server: CodeServer, workbench: Workbench) => Promise<void>,
): Promise<void> {
  const server = await startCodeServer({ extensionsFrom: installedExtensions(), files });
  let workbench: Workbench | undefined;
  try {
    workbench = await openWorkbench(server);
    await body(server, workbench);
  } catch (error) {
    if (workbench) await screenshot(workbench.page, `${name}-failure`).catch(() => undefined);
    throw new Error(`${(error as Error).message}\n--- code-server log ---\n${server.log().slice(-4000)}`, { cause: error });
  } finally {
    await workbench?.close();
    await server.stop();
  }
}

test('palette → Show Training Server Info round-trips the request and the results panel shows it', async () => {
  await withWorkbench('server-info', {}, async (_server, { page }) => {
    await runCommand(page, 'Fine-Tune Lab: Show Training Server Info');

    // The notification is the extension host's rendering of the server's answer.
    const toast = page.locator('.notification-toast', { hasText: 'Fine-Tune Lab server' });
    await toast.waitFor({ timeout: 60_000 });
    const text = await toast.innerText();
    const pid = /\(pid (\d+), Node (\d+\.\d+\.\d+)\)/.exec(text);
    assert.ok(pid, `notification names the server process: ${text}`);
    const ort = /onnxruntime (\d+\.\d+\.\d+)/.exec(text);
    assert.ok(ort, `notification names onnxruntime: ${text}`);

    // The same typed message reached the webview: its content shows the server's pid and versions.
    const panel = webviewContent(page);
    await panel.locator('body', { hasText: pid[1] }).waitFor({ timeout: 30_000 });
    const body = await panel.locator('body').innerText();
    assert.ok(body.includes(ort[1]), `the panel shows onnxruntime ${ort[1]}: ${body.slice(0, 500)}`);
    await screenshot(page, 'server-info');
  });
});

test('an experiment file with mistakes shows squiggles and the Problems count', async () => {
  const files = {
    'mistakes.ftlab.yaml': 'name: mistakes\nmodels: [facebook/opt-125m]\ntasks: [cola]\nmethods: [vanila]\nn: -2\n',
  };
  await withWorkbench('squiggles', files, async (_server, { page }) => {
    await openFile(page, 'mistakes.ftlab.yaml');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('.monaco-editor .squiggly-error').count(), 2);
    const problems = page.locator('#status\\.problems');
    await problems.locator(':scope', { hasText: '2' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'squiggles');
  });
});

test('New Experiment writes the chosen template into the workspace and opens it', async () => {
  await withWorkbench('new-experiment', {}, async (server, { page }) => {
    await runCommand(page, 'Fine-Tune Lab: New Experiment');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Small comparison' }).click();
    // code-server's save dialog is VS Code's simple dialog: a quick input holding the path.
    const input = page.locator('.quick-input-widget input');
    await page.waitForFunction(() => {
      const el = document.querySelector<HTMLInputElement>('.quick-input-widget input');
      return !!el && el.value.endsWith('small.ftlab.yaml');
    });
    assert.equal(await input.inputValue(), join(server.workspace, 'small.ftlab.yaml'));
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: 'small.ftlab.yaml' }).waitFor({ timeout: 30_000 });
    const written = join(server.workspace, 'small.ftlab.yaml');
    assert.equal(readFileSync(written, 'utf8'), readFileSync(join(repoRoot, 'media', 'templates', 'small.ftlab.yaml'), 'utf8'));
    // The new file is an experiment without problems.
    await page.locator('.monaco-editor .view-line', { hasText: 'small-comparison' }).waitFor();
    await page.waitForTimeout(1500);
    assert.equal(await page.locator('.monaco-editor .squiggly-error').count(), 0);
    await screenshot(page, 'new-experiment');
  });
});
