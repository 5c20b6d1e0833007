// Builds the VSIX users install: `node scripts/package.mjs [--target linux-x64] [--out file.vsix] [--no-build]`.
//
// The extension ships bundles, not node_modules: esbuild already inlined every JS dependency. The one
// exception is onnxruntime-node (a native addon). Its npm package carries binaries for every
// platform (288 MB); a VSIX needs only its target's (linux-x64: 46 MB). So the package is assembled
// in a staging folder (out/vsix/) with only what runs:
//   dist/*.js                      the bundles (production build, no source maps)
//   dist/node_modules/onnxruntime-{node,common}   the addon's JS and the target's binaries only;
//                                  Node resolves `require('onnxruntime-node')` from dist/*.js there
//                                  first (vsce's --no-dependencies mode drops a top-level node_modules)
//   media/ data/ models/ examples/ the grammars, schema, templates, shipped datasets and demo model
// and packed with `vsce package --no-dependencies --target <target>` as a platform-specific VSIX.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const target = option('--target', `${process.platform}-${process.arch}`);
const [targetPlatform, targetArch] = target.split('-');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = resolve(option('--out', join(root, `${pkg.name}-${pkg.version}-${target}.vsix`)));
const stage = join(root, 'out', 'vsix');

function run(command, commandArgs, cwd = root) {
  const result = spawnSync(command, commandArgs, { cwd, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`package: ${command} ${commandArgs.join(' ')} failed (${result.status ?? result.signal})`);
    process.exit(1);
  }
}

/** Copies `from` to `to`, keeping only files `keep(relativePath)` accepts. */
function copyFiltered(from, to, keep = () => true) {
  cpSync(from, to, { recursive: true, filter: (src) => statSync(src).isDirectory() || keep(relative(from, src)) });
}

if (!args.includes('--no-build')) run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production']);

for (const bundle of ['extension.js', 'server.js']) {
  if (!existsSync(join(root, 'dist', bundle))) {
    console.error(`package: dist/${bundle} is missing; run npm run build first`);
    process.exit(1);
  }
}

rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, 'dist'), { recursive: true });

// The manifest without what only development needs (scripts would run vscode:prepublish; the
// dependencies are bundled, and vsce must not try to resolve them).
const { scripts: _scripts, devDependencies: _dev, dependencies: _deps, bin: _bin, ...manifest } = pkg;
writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

for (const file of readdirSync(join(root, 'dist'))) {
  if (/\.(js|css)$/.test(file)) cpSync(join(root, 'dist', file), join(stage, 'dist', file));
}
for (const folder of ['media', 'data', 'models', 'examples']) {
  if (existsSync(join(root, folder))) copyFiltered(join(root, folder), join(stage, folder));
}
const docs = ['README.md', 'CHANGELOG.md', 'LICENSE', 'LICENSE.md', 'LICENSE.txt'].filter((f) => existsSync(join(root, f)));
for (const file of docs) cpSync(join(root, file), join(stage, file));

const ortNode = join(root, 'node_modules', 'onnxruntime-node');
const binDir = join('bin', 'napi-v6', targetPlatform, targetArch);
if (!existsSync(join(ortNode, binDir))) {
  console.error(`package: onnxruntime-node has no binaries for ${target} (${binDir})`);
  process.exit(1);
}
copyFiltered(ortNode, join(stage, 'dist', 'node_modules', 'onnxruntime-node'), (path) =>
  path === 'package.json' || path === 'README.md' || /^dist\/[^/]+\.js$/.test(path) || path.startsWith(`${binDir}/`),
);
copyFiltered(join(root, 'node_modules', 'onnxruntime-common'), join(stage, 'dist', 'node_modules', 'onnxruntime-common'), (path) =>
  // dist/cjs/package.json marks that folder CommonJS (the package root says "type": "module").
  path === 'package.json' || path === 'README.md' || /^dist\/cjs\/(.+\.js|package\.json)$/.test(path),
);
// vsce's default ignore list and ours: nothing in the stage is unwanted, so the ignore file is empty
// apart from source maps that a development build might have left.
writeFileSync(join(stage, '.vscodeignore'), '**/*.map\n');

mkdirSync(dirname(out), { recursive: true });
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const vsceArgs = ['package', '--no-dependencies', '--target', target, '--out', out, '--allow-missing-repository'];
if (!docs.some((f) => f.startsWith('LICENSE'))) vsceArgs.push('--skip-license');
run(process.execPath, [vsce, ...vsceArgs], stage);

const bytes = statSync(out).size;
console.log(`package: ${relative(root, out)} ${(bytes / 1024 / 1024).toFixed(1)} MiB (${bytes} bytes) for ${target}`);
