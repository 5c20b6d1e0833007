// Bundles the product the way scripts/build.mjs does — the server, the trainer and the CLI, side by
// side, so the runner forks the trainer bundle beside it — into a fresh folder under test-output.
// Each test file builds once; the tests then run `node <dir>/cli.js` and `node <dir>/server.js`
// exactly as a user's installation does.

import { buildSync } from 'esbuild';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { removeAtExit } from './tempDirs';

export const REPO = resolve(__dirname, '..', '..', '..');
export const DEMO_MODEL = join(REPO, 'models', 'tiny-opt-demo');
export const OUTPUT = join(REPO, 'test-output', 'reliability');

export interface BuiltProduct {
  dir: string;
  cli: string;
  server: string;
  trainer: string;
}

let built: BuiltProduct | undefined;

export function buildProduct(): BuiltProduct {
  if (built) return built;
  mkdirSync(OUTPUT, { recursive: true });
  // Inside the repository, so the bundles find node_modules/onnxruntime-node and data/ above them.
  const dir = removeAtExit(mkdtempSync(join(OUTPUT, 'dist-')));
  buildSync({
    entryPoints: {
      server: join(REPO, 'server', 'main.ts'),
      trainer: join(REPO, 'server', 'trainer', 'trainerMain.ts'),
      cli: join(REPO, 'server', 'cli', 'main.ts'),
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: dir,
    external: ['onnxruntime-node'],
    logLevel: 'error',
  });
  built = { dir, cli: join(dir, 'cli.js'), server: join(dir, 'server.js'), trainer: join(dir, 'trainer.js') };
  return built;
}
