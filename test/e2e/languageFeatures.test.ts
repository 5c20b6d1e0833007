// The language features in the real workbench (code-server 1.100.3 in Chromium, the extension
// installed from the VSIX): an experiment file with four mistakes shows four error squiggles; hover
// shows a key's documentation and a verbalizer's tokens under the real OPT tokenizer; each mistake
// is fixed with Ctrl+. and Enter on its quick fix, and the Problems count drops to zero.
// Screenshots: test-output/e2e/lsp-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { installedExtensions } from './lib/artifacts';
import { repoRoot, startCodeServer } from './lib/codeServer';
import { openFile, openWorkbench, screenshot, type Workbench } from './lib/workbench';

const experiment = [
  'name: quick-fixes',
  'models: [./opt-local]',
  'tasks: [cola]',
  'methods: [vanila, pbft]',
  'n: [2]',
  'seeds: 1',
  'traning:',
  '  epochs: 2',
  'patterns:',
  '  cola:',
  '    pattern: "{sentense} ?"',
  '    verbalizers:',
  '      unacceptable: " No"',
  '      acceptable: "Wrong"',
  '',
].join('\n');

// A model folder the verbalizer check can read: OPT-125m's config and the real OPT tokenizer.
const files = {
  'quick-fixes.ftlab.yaml': experiment,
  'opt-local/config.json': readFileSync(join(repoRoot, 'data', 'opt', 'opt-125m', 'config.json'), 'utf8'),
  'opt-local/vocab.json': readFileSync(join(repoRoot, 'data', 'opt', 'vocab.json'), 'utf8'),
  'opt-local/merges.txt': readFileSync(join(repoRoot, 'data', 'opt', 'merges.txt'), 'utf8'),
};

/** Errors and warnings from the status bar's problems item ("$(error) 4 $(warning) 0"). */
async function problemCounts(page: Page): Promise<number[]> {
  const text = await page.locator('#status\\.problems').innerText();
  return (text.match(/\d+/g) ?? []).map(Number);
}

async function waitForErrors(page: Page, errors: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const counts = await problemCounts(page);
    if (counts[0] === errors && (await page.locator('.monaco-editor .squiggly-error').count()) === errors) return;
    if (Date.now() > deadline) throw new Error(`expected ${errors} errors, the status bar says ${counts.join('/')}`);
    await page.waitForTimeout(200);
  }
}

/** The editor's token span holding `text` (the grammar may split quotes and braces off a word). */
const token = (page: Page, text: string) => page.locator('.monaco-editor .view-line span span', { hasText: text }).first();

async function hoverText(page: Page, text: string, expected: string): Promise<string> {
  await page.mouse.move(5, 5);
  await token(page, text).hover();
  const hover = page.locator('.monaco-hover', { hasText: expected });
  await hover.waitFor({ state: 'visible', timeout: 20_000 });
  return hover.innerText();
}

/**
 * Puts the cursor in `text`, opens the quick fixes with Ctrl+. and applies the focused one. Right
 * after the previous fix the workbench may still hold that edit's markers while the server's new
 * diagnostics are on their way; Ctrl+. then answers "No code actions available" once, as it would
 * for a user, who presses it again. So does this helper, a few times.
 */
async function quickFix(page: Page, text: string, title: string, shot?: string): Promise<void> {
  const row = page.locator('.action-widget .monaco-list-row.action', { hasText: title });
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Escape');
    await token(page, text).click();
    await page.keyboard.press('Control+.');
    try {
      await row.waitFor({ state: 'visible', timeout: attempt < 5 ? 4_000 : 20_000 });
      break;
    } catch (error) {
      if (attempt >= 5) throw error;
      await page.waitForTimeout(500);
    }
  }
  if (shot) await screenshot(page, shot);
  await page.keyboard.press('Enter');
  await row.waitFor({ state: 'hidden' });
}

test('squiggles, hover, and every mistake fixed from its quick fix until no problem is left', async () => {
  const server = await startCodeServer({ extensionsFrom: installedExtensions(), files });
  let workbench: Workbench | undefined;
  try {
    workbench = await openWorkbench(server);
    const { page } = workbench;
    await openFile(page, 'quick-fixes.ftlab.yaml');

    // vanila, traning, {sentense}, and "Wrong" (two tokens of OPT's tokenizer).
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 });
    await waitForErrors(page, 4);
    await screenshot(page, 'lsp-squiggles');

    const keyDoc = await hoverText(page, 'seeds', 'Repetitions');
    assert.match(keyDoc, /a count K \(seeds 0\.\.K−1\)/);
    await screenshot(page, 'lsp-hover-key');
    const tokens = await hoverText(page, 'Wrong', 'Verbalizer');
    assert.match(tokens, /Wr/);
    assert.match(tokens, /44142, 1657/);
    await screenshot(page, 'lsp-hover-verbalizer');

    await quickFix(page, 'vanila', 'Change to vanilla', 'lsp-quick-fix-menu');
    await waitForErrors(page, 3);
    await quickFix(page, 'traning', 'Change to training');
    await waitForErrors(page, 2);
    await quickFix(page, 'sentense', 'Change to {sentence}');
    await waitForErrors(page, 1);
    await quickFix(page, 'Wrong', 'Use " Wrong"');
    await waitForErrors(page, 0);
    await page.keyboard.press('Control+s');
    await page.waitForTimeout(500);
    await screenshot(page, 'lsp-fixed');
    const saved = readFileSync(join(server.workspace, 'quick-fixes.ftlab.yaml'), 'utf8');
    assert.equal(
      saved,
      experiment
        .replace('vanila', 'vanilla')
        .replace('traning', 'training')
        .replace('{sentense}', '{sentence}')
        .replace('"Wrong"', '" Wrong"'),
    );
  } catch (error) {
    if (workbench) await screenshot(workbench.page, 'lsp-failure').catch(() => undefined);
    throw new Error(`${(error as Error).message}\n--- code-server log ---\n${server.log().slice(-4000)}`, { cause: error });
  } finally {
    await workbench?.close();
    await server.stop();
  }
});
