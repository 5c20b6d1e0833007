// Fetches named files of a Hugging Face Hub dataset repo (e.g. nyu-mll/glue's parquet files) into
// the standard cache, under datasets--org--name/ as Python's huggingface_hub lays it out, so a
// Python user's cache is shared both ways. Same contract as the model download (download.ts, whose
// helpers do the work): the revision is resolved to a commit once, the files are asked for at that
// commit, a cached file costs no request, offline mode and an unreachable Hub fall back to the cache.
import { datasetInfo } from '@huggingface/hub';
import { join } from 'node:path';
import {
  cancelled,
  downloadSettings,
  existsInSnapshot,
  explain,
  fetchSnapshotFiles,
  hubClient,
  isNetworkFailure,
  networkCause,
  type ModelDownloadOptions,
} from './download';
import { HubError } from './hubErrors';
import { isModelId } from './hubSettings';
import { cachedCommit, COMMIT_HASH, snapshotDir, writeRef } from './localCache';

/** Revision, cache folder, endpoint, offline mode, token, progress and cancel: as for models. */
export type DatasetDownloadOptions = ModelDownloadOptions;

export interface ResolvedDatasetFiles {
  id: string;
  commit: string;
  /** The snapshot folder, `<cache>/datasets--org--name/snapshots/<commit>`. */
  dir: string;
  /** Absolute path of each requested file (a symlink into the cache's blobs), by repo path. */
  paths: Record<string, string>;
  /** True when everything came from the cache without asking the Hub. */
  fromCache: boolean;
  /** Set when the Hub could not be reached and the cache was used instead. */
  warning?: string;
}

const TYPE = 'dataset' as const;

function resolved(id: string, commit: string, dir: string, files: readonly string[], fromCache: boolean): ResolvedDatasetFiles {
  return { id, commit, dir, paths: Object.fromEntries(files.map((f) => [f, join(dir, f)])), fromCache };
}

function fromCacheOrThrow(id: string, files: readonly string[], revision: string, cacheDir: string, why: string): ResolvedDatasetFiles {
  const commit = cachedCommit(cacheDir, id, revision, TYPE);
  if (!commit) throw new HubError(`${why}, and dataset ${id} (${revision}) is not in the Hugging Face cache at ${cacheDir}`);
  const dir = snapshotDir(cacheDir, id, commit, TYPE);
  const missing = files.filter((f) => !existsInSnapshot(dir, f));
  if (missing.length) throw new HubError(`${why}, and the cached snapshot of dataset ${id} at ${dir} lacks ${missing.join(', ')}`);
  return resolved(id, commit, dir, files, true);
}

/**
 * Downloads (or finds in the cache) the given files of a dataset repo, all at one commit.
 * `files` are paths inside the repo, e.g. `mnli/train-00000-of-00001.parquet`.
 */
export async function downloadDatasetFiles(id: string, files: readonly string[], options: DatasetDownloadOptions = {}): Promise<ResolvedDatasetFiles> {
  if (!isModelId(id)) throw new HubError(`${JSON.stringify(id)} is not a Hugging Face dataset id (expected org/name)`);
  if (files.length === 0) throw new HubError(`dataset ${id}: no files asked for`);
  const { env, revision, cacheDir, endpoint, offline } = downloadSettings(options);
  const signal = options.signal;
  if (offline) return fromCacheOrThrow(id, files, revision, cacheDir, 'offline mode (HF_HUB_OFFLINE) is on');
  const client = hubClient(options, env, endpoint);

  let commit: string;
  try {
    signal?.throwIfAborted();
    const info = await datasetInfo({ ...client, name: id, revision, additionalFields: ['sha'] });
    if (!info.sha || !COMMIT_HASH.test(info.sha)) throw new HubError(`dataset ${id}: ${endpoint} gave no commit hash for revision ${revision}`);
    commit = info.sha;
  } catch (e) {
    if (signal?.aborted) throw cancelled(id);
    if (isNetworkFailure(e)) {
      const cause = networkCause(e);
      const cached = fromCacheOrThrow(id, files, revision, cacheDir, `cannot reach ${endpoint} (${cause})`);
      return { ...cached, warning: `cannot reach ${endpoint} (${cause}); using the cached snapshot ${cached.commit} of dataset ${id}` };
    }
    throw explain(e, id, endpoint, `dataset (revision ${revision})`, TYPE);
  }
  writeRef(cacheDir, id, revision, commit, TYPE);
  await fetchSnapshotFiles({ id, type: TYPE, endpoint, commit, cacheDir, client, onProgress: options.onProgress, signal }, [...files]);
  return resolved(id, commit, snapshotDir(cacheDir, id, commit, TYPE), files, false);
}
