// What the language features share: the current settings, and the tokenizers loaded so far. One
// per server process, made by startLanguageServer.
import type { ServerSettings } from '../../protocol/lsp';
import { TokenizerCache } from './tokenizerCache';
import { effectiveHubCacheDir } from './tokenizerFolders';

export interface FeatureContext {
  settings(): ServerSettings;
  readonly tokenizers: TokenizerCache;
  /** The Hugging Face cache folder for the current settings and environment. */
  hubCacheDir(): string;
}

export function createFeatureContext(settings: () => ServerSettings, env: NodeJS.ProcessEnv = process.env): FeatureContext {
  const tokenizers = new TokenizerCache();
  return { settings, tokenizers, hubCacheDir: () => effectiveHubCacheDir(settings(), env) };
}
