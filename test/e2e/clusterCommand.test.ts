// "Run Fine-Tune Comparison on Cluster…" in the real workbench (code-server in Chromium, the VSIX
// installed as a user would): the palette entry, the scheduler quick pick, the checked shard count,
// and a Kubernetes submission, which needs no cluster: the server writes the Indexed Job manifest
// into the workspace's results folder, the editor opens it and says how to apply it, and the
// follower's progress notification appears (cancelled here: no pod will ever run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, startCodeServer } from './lib/codeServer';
import { installedExtensions } from './lib/artifacts';
import { openFile, openWorkbench, runCommand, screenshot, type Workbench } from './lib/workbench';

test('the cluster command asks for the scheduler and shards, and a Kubernetes submission writes and opens the manifest', async () => {
  const files = { 'small.ftlab.yaml': readFileSync(join(repoRoot, 'media', 'templates', 'small.ftlab.yaml'), 'utf8') };
  const server = await startCodeServer({ extensionsFrom: installedExtensions(), files });
  let workbench: Workbench | undefined;
  try {
    workbench = await openWorkbench(server);
    const { page } = workbench;
    await openFile(page, 'small.ftlab.yaml');
    await page.locator('.monaco-editor .view-line', { hasText: 'small-comparison' }).waitFor({ timeout: 30_000 });

    await runCommand(page, 'Fine-Tune Lab: Run Fine-Tune Comparison on Cluster…');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'Kubernetes' }).waitFor({ timeout: 60_000 });
    assert.deepEqual(
      (await rows.locator('.label-name').allInnerTexts()).map((t) => t.trim()),
      ['Slurm', 'Kubernetes'],
      'the scheduler quick pick offers both',
    );
    await rows.filter({ hasText: 'Kubernetes' }).click();

    const input = page.locator('.quick-input-widget input');
    const message = page.locator('.quick-input-widget .quick-input-message');
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value === '4');
    await input.fill('0');
    await message.filter({ hasText: 'positive whole number' }).waitFor({ timeout: 10_000 });
    await input.fill('2');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'Container image' }).waitFor();
    await input.fill('registry.example/ftlab:0.1.0');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'PersistentVolumeClaim' }).waitFor();
    await page.keyboard.press('Enter');

    await page.locator('.notification-toast', { hasText: 'kubectl apply -f' }).waitFor({ timeout: 60_000 });
    await page.locator('.tab', { hasText: 'k8s-job.yaml' }).waitFor({ timeout: 30_000 });
    const runs = join(server.workspace, '.ftlab', 'runs');
    const written = readdirSync(runs).map((id) => join(runs, id, 'k8s-job.yaml')).filter((p) => existsSync(p));
    assert.equal(written.length, 1, 'one manifest in the workspace results folder');
    assert.match(readFileSync(written[0], 'utf8'), /completionMode: Indexed[\s\S]*completions: 2/);

    const following = page.locator('.notification-toast', { hasText: 'Following cluster run' });
    await following.waitFor({ timeout: 30_000 });
    await screenshot(page, 'cluster-k8s');
    await following.hover();
    await following.locator('a.monaco-button, .monaco-button', { hasText: 'Cancel' }).first().click();
    await following.waitFor({ state: 'detached', timeout: 15_000 });
  } catch (error) {
    if (workbench) await screenshot(workbench.page, 'cluster-k8s-failure').catch(() => undefined);
    throw new Error(`${(error as Error).message}\n--- code-server log ---\n${server.log().slice(-4000)}`, { cause: error });
  } finally {
    await workbench?.close();
    await server.stop();
  }
});
