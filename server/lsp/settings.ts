// The server's copy of the `ftlab.*` settings: seeded from initializationOptions, replaced on every
// `ftlab/didChangeSettings`. Values from the client are checked, because a settings.json can hold
// anything; a bad value falls back to the default instead of reaching onnxruntime.
import type { ExecutionProviderSetting, ServerSettings } from '../../protocol/lsp';

export const DEFAULT_SETTINGS: ServerSettings = {
  executionProvider: 'auto',
  threads: 0,
  hfCacheDir: '',
  offline: false,
  resultsDir: '.ftlab/runs',
  allowedRoots: [],
};

const PROVIDERS: readonly ExecutionProviderSetting[] = ['auto', 'cpu', 'webgpu', 'cuda'];

export function sanitizeSettings(raw: unknown): ServerSettings {
  const value = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const provider = value.executionProvider;
  const threads = value.threads;
  return {
    executionProvider: PROVIDERS.includes(provider as ExecutionProviderSetting)
      ? (provider as ExecutionProviderSetting)
      : DEFAULT_SETTINGS.executionProvider,
    threads:
      typeof threads === 'number' && Number.isInteger(threads) && threads >= 0 ? threads : DEFAULT_SETTINGS.threads,
    hfCacheDir: typeof value.hfCacheDir === 'string' ? value.hfCacheDir : DEFAULT_SETTINGS.hfCacheDir,
    offline: typeof value.offline === 'boolean' ? value.offline : DEFAULT_SETTINGS.offline,
    resultsDir:
      typeof value.resultsDir === 'string' && value.resultsDir.trim() !== ''
        ? value.resultsDir
        : DEFAULT_SETTINGS.resultsDir,
    // Extra folders experiment files may read from; anything but a list of non-empty strings is ignored.
    allowedRoots: Array.isArray(value.allowedRoots)
      ? value.allowedRoots.filter((r): r is string => typeof r === 'string' && r.trim() !== '')
      : [],
  };
}
