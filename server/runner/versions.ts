// Versions recorded in every run manifest. Read from package.json files, without loading
// onnxruntime-node's native binding: the runner may live in the language server's process.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { RunManifest } from '../../protocol/results';

function readJson(path: string): { name?: string; version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string };
  } catch {
    return undefined;
  }
}

/** The extension's package.json: one folder above dist/*.js, two above server/runner/. */
function ftlabVersion(): string {
  for (const candidate of [join(__dirname, '..', 'package.json'), join(__dirname, '..', '..', 'package.json')]) {
    const pkg = readJson(candidate);
    if (pkg?.name === 'fine-tune-lab' && pkg.version) return pkg.version;
  }
  return 'unknown';
}

function onnxruntimeVersion(): string {
  try {
    const path = createRequire(__filename).resolve('onnxruntime-node/package.json');
    return readJson(path)?.version ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

export function runtimeVersions(): RunManifest['versions'] {
  return { ftlab: ftlabVersion(), onnxruntime: onnxruntimeVersion(), node: process.versions.node };
}
