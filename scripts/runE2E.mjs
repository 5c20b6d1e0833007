// Runs the real-workbench tier: packages the VSIX (scripts/package.mjs), then every
// test/e2e/*.test.ts with node's test runner, one file at a time (each starts its own code-server
// and Chromium; two at once would not fit a 2-core machine). Exits non-zero when anything fails.
//   node scripts/runE2E.mjs [--no-build] [test/e2e/some.test.ts …]
// Needs test/e2e's tools: bash test/e2e/install.sh (and apt: chromium libkrb5-dev ripgrep).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const e2e = join(root, 'test', 'e2e');
const outDir = join(root, 'test-output', 'e2e');

for (const [path, fix] of [
  [join(e2e, 'node_modules', 'code-server', 'package.json'), 'bash test/e2e/install.sh'],
  [join(e2e, 'node_modules', 'playwright-core', 'package.json'), 'bash test/e2e/install.sh'],
  [process.env.FTLAB_CHROMIUM ?? '/usr/bin/chromium', 'apt-get install -y chromium'],
]) {
  if (!existsSync(path)) {
    console.error(`runE2E: ${path} is missing; run: ${fix}`);
    process.exit(1);
  }
}

mkdirSync(outDir, { recursive: true });
const vsix = join(outDir, 'fine-tune-lab.vsix');
const packaged = spawnSync(
  process.execPath,
  [join(root, 'scripts', 'package.mjs'), '--out', vsix, ...(args.includes('--no-build') ? ['--no-build'] : [])],
  { cwd: root, stdio: 'inherit' },
);
if (packaged.status !== 0) {
  console.error('runE2E: packaging the VSIX failed');
  process.exit(1);
}

const chosen = args.filter((a) => !a.startsWith('--'));
const files = chosen.length > 0 ? chosen : readdirSync(e2e).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join(e2e, f));
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=600000', ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, FTLAB_VSIX: vsix } },
);
process.exit(result.status ?? 1);
