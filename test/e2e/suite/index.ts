// The in-host suite: runs inside VS Code's extension host against the installed extension, through
// the `extensionTestsPath` contract (a module exporting `run(): Promise<void>`; a rejection means
// failure). The same bundle runs in code-server here (test/e2e/inHost.test.ts) and in a downloaded
// VS Code through @vscode/test-electron (test/e2e/electron.mjs).
import { writeFileSync } from 'node:fs';
import { CASES } from './cases';

export async function run(): Promise<void> {
  const results: { name: string; ok: boolean; error?: string; ms: number }[] = [];
  for (const { name, fn } of CASES) {
    const start = Date.now();
    try {
      await fn();
      results.push({ name, ok: true, ms: Date.now() - start });
      console.log(`ok - ${name}`);
    } catch (error) {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      results.push({ name, ok: false, error: text, ms: Date.now() - start });
      console.error(`not ok - ${name}\n${text}`);
    }
  }
  // The harness reads this to show which case failed (the exit code alone says only pass/fail).
  if (process.env.FTLAB_E2E_REPORT) writeFileSync(process.env.FTLAB_E2E_REPORT, JSON.stringify(results, null, 2));
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) throw new Error(`${failed.length} of ${results.length} in-host cases failed: ${failed.map((f) => f.name).join(', ')}`);
}
