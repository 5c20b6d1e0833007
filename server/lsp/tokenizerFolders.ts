// Where the tokenizer of a model named in an experiment file lives on this machine: a local model
// folder as it is, a Hub id in its snapshot of the local Hugging Face cache (the `ftlab.hfCacheDir`
// setting, else HF_HUB_CACHE / HF_HOME / ~/.cache, as Python's huggingface_hub reads them). Only the
// file system is asked; the language server never downloads anything.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ServerSettings } from '../../protocol/lsp';
import { cachedCommit, listCachedModels, snapshotDir } from '../core/hub/localCache';
import { configuredHubCacheDir, isModelId, repoFolderName, type Env } from '../core/hub/hubSettings';

/** The cache folder the runner would use for these settings. */
export function effectiveHubCacheDir(settings: ServerSettings, env: Env = process.env): string {
  return configuredHubCacheDir(settings.hfCacheDir, env);
}

/** True when a folder holds tokenizer.json, or vocab.json and merges.txt (OPT's repos). */
export function hasTokenizerFiles(dir: string): boolean {
  const has = (file: string) => existsSync(join(dir, file));
  return has('tokenizer.json') || (has('vocab.json') && has('merges.txt'));
}

/**
 * The folder holding the tokenizer of a model location (ModelRef.location: an absolute folder or a
 * Hub id), or undefined when this machine does not have it. For a Hub id the snapshot `refs/main`
 * points to is preferred (the one a run resolves offline), else the newest snapshot with a tokenizer.
 */
export function tokenizerFolder(location: string, cacheDir: string): string | undefined {
  if (isAbsolute(location)) return isDirectory(location) && hasTokenizerFiles(location) ? location : undefined;
  // A relative folder of an unsaved file does not resolve, and anything else that is not a Hub id
  // must never be joined into a cache path.
  if (!isModelId(location)) return undefined;
  const main = cachedCommit(cacheDir, location, 'main');
  if (main) {
    const dir = snapshotDir(cacheDir, location, main);
    if (hasTokenizerFiles(dir)) return dir;
  }
  const snapshots = join(cacheDir, repoFolderName(location), 'snapshots');
  if (!isDirectory(snapshots)) return undefined;
  const candidates = readdirSync(snapshots)
    .map((hash) => join(snapshots, hash))
    .filter((dir) => isDirectory(dir) && hasTokenizerFiles(dir))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return candidates[0];
}

/** Hub ids of the models in the cache, for completion under `models:`. */
export function cachedModelIds(cacheDir: string): string[] {
  try {
    return listCachedModels(cacheDir).map((model) => model.id);
  } catch {
    return []; // an unreadable cache folder only means no suggestions
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
