// The in-host suite in a downloaded desktop VS Code, through @vscode/test-electron — for machines
// that can reach Microsoft's update host (these CI machines cannot; they run the same suite in
// code-server: test/e2e/inHost.test.ts). Needs a build first:
//   npm run build && node test/e2e/electron.mjs
// FTLAB_VSCODE_VERSION picks the VS Code version (default: the lowest that engines.vscode allows).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { runTests } from '@vscode/test-electron';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lowest = pkg.engines.vscode.replace(/^[\^~>=]+/, '');

const suiteDir = join(root, 'test-output', 'e2e', 'electron-suite');
buildSync({
  entryPoints: { index: join(root, 'test', 'e2e', 'suite', 'index.ts') },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  outdir: suiteDir,
  logLevel: 'error',
});

const workspace = mkdtempSync(join(tmpdir(), 'ftlab-electron-'));
try {
  await runTests({
    version: process.env.FTLAB_VSCODE_VERSION ?? lowest,
    extensionDevelopmentPath: root,
    extensionTestsPath: join(suiteDir, 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
  console.log('electron: the in-host suite passed');
} catch (error) {
  console.error(`electron: the in-host suite failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
