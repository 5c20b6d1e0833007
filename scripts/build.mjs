// One esbuild script, one entry per process (style of vscode-eslint): the extension host, the
// language/training server, the trainer worker, the CLI, and the browser webview.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
};

/** @type {esbuild.BuildOptions[]} */
const entries = [
  {
    ...common,
    entryPoints: { extension: 'extension/extension.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: {
      server: 'server/main.ts',
      trainer: 'server/trainer/trainerMain.ts',
      cli: 'server/cli/main.ts',
    },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
    // Native addon: loaded from node_modules at run time, shipped with the extension.
    external: ['onnxruntime-node'],
    banner: { js: '' },
  },
  {
    ...common,
    entryPoints: { webview: 'webview/main.ts' },
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    outdir: 'dist',
    loader: { '.css': 'text' },
  },
];

if (watch) {
  const contexts = await Promise.all(entries.map((e) => esbuild.context(e)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] build started');
} else {
  await Promise.all(entries.map((e) => esbuild.build(e)));
}
