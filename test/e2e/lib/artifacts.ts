// What the e2e scenarios install: the VSIX built by scripts/package.mjs (scripts/runE2E.mjs builds
// it and passes its path in FTLAB_VSIX), installed once per test file into a template extensions
// folder that each scenario copies; and the in-host suite, bundled for the extension host.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { installVsix, outputDir, repoRoot } from './codeServer';

export function vsixPath(): string {
  const path = process.env.FTLAB_VSIX ?? join(outputDir, 'fine-tune-lab.vsix');
  if (!existsSync(path)) {
    throw new Error(`no VSIX at ${path}: run node scripts/runE2E.mjs, or node scripts/package.mjs --out ${path}`);
  }
  return path;
}

let installed: string | undefined;

/** An extensions folder holding the VSIX as code-server installed it. */
export function installedExtensions(): string {
  installed ??= installVsix(vsixPath());
  return installed;
}

/** The folder the VSIX unpacked into (publisher.name-version-target). */
export function installedExtensionFolder(): string {
  const dir = installedExtensions();
  const folder = readdirSync(dir).find((name) => name.startsWith('ftlab.fine-tune-lab-'));
  if (!folder) throw new Error(`the VSIX did not install into ${dir}: ${readdirSync(dir).join(', ')}`);
  return join(dir, folder);
}

/** Bundles the in-host suite (test/e2e/suite) for the extension host; returns its index.js. */
export function bundleInHostSuite(): string {
  const outdir = join(outputDir, 'suite');
  mkdirSync(outdir, { recursive: true });
  buildSync({
    entryPoints: { index: join(repoRoot, 'test', 'e2e', 'suite', 'index.ts') },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    outdir,
    logLevel: 'error',
  });
  return join(outdir, 'index.js');
}
