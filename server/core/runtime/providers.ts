// Execution providers: which ones we offer, the order `auto` tries them in, and a plain-words
// reason when one cannot start (onnxruntime's own messages name source files, not causes).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ProviderName = 'cpu' | 'webgpu' | 'cuda';
export type ProviderChoice = ProviderName | 'auto';

export const PROVIDER_CHOICES: readonly ProviderChoice[] = ['auto', 'cpu', 'webgpu', 'cuda'];

/** `auto` tries the fastest first. Listing several in one session does not fall back, so each is tried alone. */
export const AUTO_ORDER: readonly ProviderName[] = ['cuda', 'webgpu', 'cpu'];

export function isProviderChoice(value: string): value is ProviderChoice {
  return (PROVIDER_CHOICES as readonly string[]).includes(value);
}

/** The folder holding onnxruntime-node's native libraries for this platform, if it can be found. */
function ortBinaryDir(): string | undefined {
  try {
    const require = createRequire(__filename);
    const pkg = dirname(require.resolve('onnxruntime-node/package.json'));
    return join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

function findVulkanLoader(): string | undefined {
  if (process.platform !== 'linux') return 'not-linux';
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
    '/lib/x86_64-linux-gnu',
    '/usr/local/lib',
  ];
  return dirs.map((d) => join(d, 'libvulkan.so.1')).find((p) => existsSync(p));
}

/** Why `provider` failed to start, in words a user can act on, followed by onnxruntime's message. */
export function explainProviderFailure(provider: ProviderName, error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const detail = raw.split('\n')[0].slice(0, 300);
  if (provider === 'webgpu') {
    if (!findVulkanLoader()) {
      return `WebGPU could not start: no Vulkan loader (libvulkan.so.1) is installed, so no GPU adapter is visible (${detail})`;
    }
    if (/adapter/i.test(raw)) {
      return `WebGPU could not start: no GPU adapter was found (is a Vulkan driver for the GPU installed?) (${detail})`;
    }
    return `WebGPU could not start: ${detail}`;
  }
  if (provider === 'cuda') {
    const dir = ortBinaryDir();
    if (dir && !existsSync(join(dir, 'libonnxruntime_providers_cuda.so'))) {
      return (
        'CUDA could not start: the CUDA provider libraries are not installed (onnxruntime-node downloads them at ' +
        `install time, which this installation skipped; see the README) (${detail})`
      );
    }
    return `CUDA could not start: the provider libraries are present but did not load (CUDA 12 and cuDNN 9 runtimes are needed) (${detail})`;
  }
  return `${provider} could not start: ${detail}`;
}
