// Drives the workbench in Debian's Chromium through playwright-core. Selectors are the ones that
// hold on VS Code 1.100.3 (see README "End-to-end tests").
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';
import { outputDir, type CodeServer } from './codeServer';

export const CHROMIUM = process.env.FTLAB_CHROMIUM ?? '/usr/bin/chromium';

export interface Workbench {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function openBrowser(server: CodeServer): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(join(server.root, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/** Opens the workbench on the server's workspace and waits until it is usable. */
export async function openWorkbench(server: CodeServer): Promise<Workbench> {
  const { context, page } = await openBrowser(server);
  await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  return { context, page, close: () => context.close() };
}

/**
 * Runs a command from the palette by its full title. The palette can open before the extension has
 * registered its commands and then shows "No matching commands": close it and try again, up to
 * `attempts` times a second apart.
 */
export async function runCommand(page: Page, title: string, attempts = 15): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const firstRow = page.locator('.quick-input-list .monaco-list-row').first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    try {
      await firstRow.waitFor({ state: 'visible', timeout: 2000 });
      const label = (await firstRow.getAttribute('aria-label')) ?? (await firstRow.innerText());
      if (label.includes(title)) {
        await page.keyboard.press('Enter');
        return;
      }
    } catch {
      // no rows: "No matching commands"
    }
    await page.keyboard.press('Escape');
    if (attempt >= attempts) throw new Error(`command "${title}" never appeared in the palette (${attempts} tries)`);
    await page.waitForTimeout(1000);
  }
}

/** The active webview's content document (VS Code nests it in two iframes). */
export function webviewContent(page: Page, title?: string): FrameLocator {
  const outer = title
    ? page.locator(`iframe.webview.ready[title="${title}"]`)
    : page.locator('iframe.webview.ready');
  return outer.first().contentFrame().frameLocator('#active-frame');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(outputDir, { recursive: true });
  const path = join(outputDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Opens a workspace file through "Go to File" and waits until its editor tab is the active one. */
export async function openFile(page: Page, name: string): Promise<void> {
  await runCommand(page, 'Go to File');
  await page.locator('.quick-input-widget input').fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
}
