// Runs before `npm test` (npm's pretest): makes sure the tools the test tiers use are here.
// - Debian packages: chromium (webview and workbench tests), libkrb5-dev + ripgrep (code-server's
//   install), slurm (cluster tests). As root with apt-get they are installed; otherwise the exact
//   command is printed and the tests stop before starting.
// - test/e2e/node_modules: code-server and playwright-core, installed by test/e2e/install.sh.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const packages = ['chromium', 'libkrb5-dev', 'ripgrep', 'slurmctld', 'slurmd', 'slurm-client', 'munge'];

function installed(pkg) {
  return spawnSync('dpkg', ['-s', pkg], { stdio: 'ignore' }).status === 0;
}

const missing = packages.filter((p) => !installed(p));
if (missing.length > 0) {
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    console.error(`The test tiers need these Debian packages: ${missing.join(' ')}\n  sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`);
    process.exit(1);
  }
  console.log(`installing Debian packages for the tests: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
}

if (!existsSync(join(root, 'test/e2e/node_modules/.bin/code-server')) || !existsSync(join(root, 'test/e2e/node_modules/playwright-core'))) {
  execFileSync('bash', [join(root, 'test/e2e/install.sh')], { stdio: 'inherit' });
}
