// The in-host suite (test/e2e/suite) inside code-server's extension host, loaded through the
// `extensionDevelopmentPath` / `extensionTestsPath` payload that @vscode/test-electron also uses;
// the extension under development is the VSIX's installed folder. The suite's exit code comes back
// through `codeAutomationExit`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeTempRoot, startCodeServer } from './lib/codeServer';
import { bundleInHostSuite, installedExtensionFolder } from './lib/artifacts';
import { openBrowser } from './lib/workbench';

test('the in-host suite passes inside the real extension host', async () => {
  const suite = bundleInHostSuite();
  const extension = installedExtensionFolder();
  // The extension host inherits code-server's environment: that is how the suite learns where to
  // write its per-case report.
  const report = join(makeTempRoot('report'), 'in-host-report.json');
  const hosted = await startCodeServer({ env: { FTLAB_E2E_REPORT: report } });
  const { context, page } = await openBrowser(hosted);
  try {
    const exitCode = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    const remote = (path: string) => `vscode-remote://127.0.0.1:${hosted.port}${path}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(extension)],
      ['extensionTestsPath', remote(suite)],
    ]);
    await page.goto(`${hosted.url}/?folder=${encodeURIComponent(hosted.workspace)}&payload=${encodeURIComponent(payload)}`);
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exitCode,
      new Promise<number>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the suite did not finish in 120 s')), 120_000);
      }),
    ]).finally(() => clearTimeout(timer));
    const results = existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')) as { name: string; ok: boolean; error?: string }[]) : [];
    const failures = results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error}`);
    assert.deepEqual(failures, []);
    assert.ok(results.length >= 7, `the suite ran its cases (${results.length} reported)`);
    assert.equal(code, 0);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- code-server log ---\n${hosted.log().slice(-4000)}`, { cause: error });
  } finally {
    await context.close();
    await hosted.stop();
    rmSync(dirname(report), { recursive: true, force: true });
  }
});
