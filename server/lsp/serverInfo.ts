// Answers `ftlab/serverInfo`: who is serving (versions, pid) and which onnxruntime execution
// providers this installation carries. onnxruntime-node is loaded lazily and guarded, so a missing
// or broken native binary is reported here instead of taking the language server down with it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ExecutionProviderInfo, ServerInfo, ServerSettings } from '../../protocol/lsp';

interface OrtModule {
  env: { versions: { node?: string; common?: string } };
  listSupportedBackends?: () => { name: string; bundled: boolean }[];
}

// A require bound to this file works both in the CommonJS bundle and when tests run the TypeScript.
const requireHere = createRequire(__filename);

/** The extension's package.json sits one folder above dist/server.js (and above server/lsp/..). */
function readPackageVersion(): string | undefined {
  for (const candidate of [join(__dirname, '..', 'package.json'), join(__dirname, '..', '..', 'package.json')]) {
    try {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'fine-tune-lab' && pkg.version) return pkg.version;
    } catch {
      // not this candidate
    }
  }
  return undefined;
}

export function serverVersion(fallback: string): string {
  return readPackageVersion() ?? fallback;
}

/** Provider libraries onnxruntime loads at session creation, next to the binding (e.g. CUDA). */
function providerLibraryPresent(bindingDir: string | undefined, provider: string): boolean {
  if (!bindingDir) return false;
  const names = [`libonnxruntime_providers_${provider}.so`, `onnxruntime_providers_${provider}.dll`];
  return names.some((name) => existsSync(join(bindingDir, name)));
}

function bindingDirectory(): string | undefined {
  try {
    const root = dirname(requireHere.resolve('onnxruntime-node/package.json'));
    return join(root, 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

export function collectServerInfo(settings: ServerSettings, fallbackVersion: string): ServerInfo {
  const info: ServerInfo = {
    serverVersion: serverVersion(fallbackVersion),
    nodeVersion: process.versions.node,
    platform: process.platform,
    arch: process.arch,
    pid: process.pid,
    executionProviders: [],
    executionProviderSetting: settings.executionProvider,
  };
  try {
    const ort = requireHere('onnxruntime-node') as OrtModule;
    info.onnxruntimeVersion = ort.env.versions.node ?? ort.env.versions.common;
    const bindingDir = bindingDirectory();
    info.executionProviders = (ort.listSupportedBackends?.() ?? []).map(
      (backend): ExecutionProviderInfo => ({
        name: backend.name,
        bundled: backend.bundled,
        libraryPresent: backend.bundled || providerLibraryPresent(bindingDir, backend.name),
      }),
    );
  } catch (error) {
    info.onnxruntimeError = error instanceof Error ? error.message : String(error);
  }
  return info;
}
