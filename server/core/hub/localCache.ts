// Reading the Hugging Face cache without the network. Layout (shared with Python; dataset repos
// are the same under datasets--org--name):
//   <cache>/models--org--name/refs/<branch>          a commit hash
//   <cache>/models--org--name/snapshots/<hash>/<f>   symlink to ../../blobs/<etag>
//   <cache>/models--org--name/blobs/<etag>           the bytes
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WEIGHT_CANDIDATES, readShardIndex } from '../model/weights/checkpoint';
import { repoFolderName, type RepoType } from './hubSettings';

export const COMMIT_HASH = /^[0-9a-f]{40}$/;

export interface CachedModel {
  id: string;
  /** Commit hashes with a snapshot folder. */
  snapshots: string[];
  /** Branch or tag → commit hash, from refs/. */
  refs: Record<string, string>;
}

/** The commit a revision points to in the cache: the revision itself if it is a hash, else refs/<revision>. */
export function cachedCommit(cacheDir: string, id: string, revision: string, type: RepoType = 'model'): string | undefined {
  if (COMMIT_HASH.test(revision)) return revision;
  const ref = join(cacheDir, repoFolderName(id, type), 'refs', revision);
  if (!existsSync(ref)) return undefined;
  const hash = readFileSync(ref, 'utf8').trim();
  return COMMIT_HASH.test(hash) ? hash : undefined;
}

export function snapshotDir(cacheDir: string, id: string, commit: string, type: RepoType = 'model'): string {
  return join(cacheDir, repoFolderName(id, type), 'snapshots', commit);
}

/** Records which commit a branch points to, as huggingface_hub does, so offline runs find it. */
export function writeRef(cacheDir: string, id: string, revision: string, commit: string, type: RepoType = 'model'): void {
  if (revision === commit) return;
  const ref = join(cacheDir, repoFolderName(id, type), 'refs', revision);
  mkdirSync(dirname(ref), { recursive: true });
  writeFileSync(ref, commit);
}

/**
 * What a snapshot folder lacks to be used as a model: config.json, a tokenizer, and weights (for a
 * sharded checkpoint, every shard its index names). Empty when complete.
 */
export function missingModelFiles(dir: string): string[] {
  const has = (f: string) => existsSync(join(dir, f)); // follows the symlink: a dangling one counts as missing
  const missing: string[] = [];
  if (!has('config.json')) missing.push('config.json');
  if (!has('tokenizer.json') && !(has('vocab.json') && has('merges.txt'))) missing.push('tokenizer.json or vocab.json + merges.txt');
  const weights = WEIGHT_CANDIDATES.find((c) => has(c.file));
  if (!weights) {
    missing.push('weights (model.safetensors, its index, or pytorch_model.bin)');
  } else if (weights.sharded) {
    for (const shard of new Set(readShardIndex(join(dir, weights.file)).values())) if (!has(shard)) missing.push(shard);
  }
  return missing;
}

/** Model repos present in the cache (for completion in the editor), sorted by id. */
export function listCachedModels(cacheDir: string): CachedModel[] {
  if (!existsSync(cacheDir)) return [];
  const models: CachedModel[] = [];
  for (const folder of readdirSync(cacheDir)) {
    if (!folder.startsWith('models--')) continue;
    const root = join(cacheDir, folder);
    const snapshotsDir = join(root, 'snapshots');
    const snapshots = existsSync(snapshotsDir)
      ? readdirSync(snapshotsDir).filter((h) => statSync(join(snapshotsDir, h)).isDirectory())
      : [];
    if (snapshots.length === 0) continue;
    const refs: Record<string, string> = {};
    const refsDir = join(root, 'refs');
    if (existsSync(refsDir)) {
      for (const ref of readdirSync(refsDir, { recursive: true, withFileTypes: true })) {
        if (!ref.isFile()) continue;
        const file = join(ref.parentPath ?? ref.path, ref.name);
        refs[file.slice(refsDir.length + 1)] = readFileSync(file, 'utf8').trim();
      }
    }
    models.push({ id: folder.slice('models--'.length).split('--').join('/'), snapshots: snapshots.sort(), refs });
  }
  return models.sort((a, b) => a.id.localeCompare(b.id));
}
