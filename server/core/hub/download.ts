// Fetches the files a model needs from the Hugging Face Hub into the standard cache, one file at a
// time with @huggingface/hub's downloadFileToCacheDir (snapshotDownload would take every file, and
// OPT repos also hold TF and Flax weights). The revision is resolved to a commit hash once; every
// file is then asked for at that commit, so a cached file costs no request and the snapshot is
// consistent even if the branch moves meanwhile.
import { downloadFileToCacheDir, HubApiError, modelInfo, pathsInfo } from '@huggingface/hub';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readShardIndex } from '../model/weights/checkpoint';
import { accessToken, hubCacheDir, hubEndpoint, isModelId, isOffline, repoFolderName, type Env, type RepoType } from './hubSettings';
import { cachedCommit, COMMIT_HASH, missingModelFiles, snapshotDir, writeRef } from './localCache';
import { HubError } from './hubErrors';
import { chooseModelFiles } from './modelFiles';

export { HubError } from './hubErrors';

export interface DownloadProgress {
  file: string;
  /** Bytes on disk so far. */
  done: number;
  total: number;
  /** True when the file was already in the cache. */
  cached: boolean;
}

export interface ModelDownloadOptions {
  /** Branch, tag or commit hash; default "main". */
  revision?: string;
  /** Default: $HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub. */
  cacheDir?: string;
  /** Default: $HF_ENDPOINT or https://huggingface.co. */
  endpoint?: string;
  /** Default: $HF_HUB_OFFLINE. */
  offline?: boolean;
  /** Default: $HF_TOKEN or the token file of `huggingface-cli login`. */
  accessToken?: string;
  onProgress?(progress: DownloadProgress): void;
  signal?: AbortSignal;
  /** Environment to read the defaults from (tests pass their own). */
  env?: Env;
}

export interface ResolvedModel {
  id: string;
  commit: string;
  /** The snapshot folder: config.json, tokenizer files and weights side by side. */
  dir: string;
  /** Files fetched or found, relative to dir. */
  files: string[];
  /** True when the model came from the cache without asking the Hub. */
  fromCache: boolean;
  /** Set when the Hub could not be reached and the cache was used instead. */
  warning?: string;
}

const PROGRESS_POLL_MS = 200;

export function cancelled(id: string): Error {
  const e = new Error(`download of ${id} cancelled`);
  e.name = 'AbortError';
  return e;
}

function fromCacheOrThrow(id: string, revision: string, cacheDir: string, why: string): ResolvedModel {
  const commit = cachedCommit(cacheDir, id, revision);
  if (!commit) throw new HubError(`${why}, and ${id} (${revision}) is not in the Hugging Face cache at ${cacheDir}`);
  const dir = snapshotDir(cacheDir, id, commit);
  const missing = missingModelFiles(dir);
  if (missing.length) throw new HubError(`${why}, and the cached snapshot of ${id} at ${dir} lacks ${missing.join(', ')}`);
  return { id, commit, dir, files: [], fromCache: true };
}

/** Turns the Hub's answers into messages that say what to do. */
export function explain(e: unknown, id: string, endpoint: string, what: string, type: RepoType = 'model'): Error {
  if (e instanceof HubApiError) {
    if (e.statusCode === 401 || e.statusCode === 403) {
      return new HubError(`${id}: access denied by ${endpoint} (${e.statusCode}); for a private or gated ${type} set HF_TOKEN to a token that may read it`);
    }
    if (e.statusCode === 404) return new HubError(`${id}: ${what} not found on ${endpoint} (${e.message.split('. URL:')[0]})`);
    return new HubError(`${id}: ${endpoint} answered ${e.statusCode} for ${what}: ${e.message}`);
  }
  if (isNetworkFailure(e)) return new HubError(`${id}: cannot reach ${endpoint} while fetching ${what} (${networkCause(e)})`);
  return e instanceof Error ? e : new Error(String(e));
}

export function isNetworkFailure(e: unknown): boolean {
  // undici's fetch rejects with TypeError("fetch failed") and the socket error as its cause.
  return e instanceof TypeError && /fetch failed/.test(e.message);
}

export function networkCause(e: unknown): string {
  return (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message;
}

/** The options with their defaults filled from the environment (nothing here touches the network). */
export function downloadSettings(options: ModelDownloadOptions): { env: Env; revision: string; cacheDir: string; endpoint: string; offline: boolean } {
  const env = options.env ?? process.env;
  return {
    env,
    revision: options.revision ?? 'main',
    cacheDir: options.cacheDir ?? hubCacheDir(env),
    endpoint: (options.endpoint ?? hubEndpoint(env)).replace(/\/+$/, ''),
    offline: options.offline ?? isOffline(env),
  };
}

/** What @huggingface/hub's functions take: the endpoint, the token, and a fetch that cancelling aborts. */
export interface HubClient {
  hubUrl: string;
  accessToken?: string;
  fetch: typeof fetch;
}

export function hubClient(options: ModelDownloadOptions, env: Env, endpoint: string): HubClient {
  const token = options.accessToken ?? accessToken(env);
  if (token && !token.startsWith('hf_')) throw new HubError('the Hugging Face token (HF_TOKEN) must start with "hf_"');
  // Every request of the library goes through here, so cancelling aborts whichever one is in flight.
  const signal = options.signal;
  const hubFetch: typeof fetch = (input, init) => fetch(input, { ...init, signal: signal ?? init?.signal });
  return { hubUrl: endpoint, accessToken: token, fetch: hubFetch };
}

/** Downloads (or finds in the cache) what a model needs and returns its snapshot folder. */
export async function downloadModel(id: string, options: ModelDownloadOptions = {}): Promise<ResolvedModel> {
  if (!isModelId(id)) throw new HubError(`${JSON.stringify(id)} is not a Hugging Face model id (expected org/name) nor an existing folder`);
  const { env, revision, cacheDir, endpoint, offline } = downloadSettings(options);
  const signal = options.signal;
  if (offline) return fromCacheOrThrow(id, revision, cacheDir, 'offline mode (HF_HUB_OFFLINE) is on');
  const common = hubClient(options, env, endpoint);

  let commit: string;
  let repoFiles: string[];
  try {
    signal?.throwIfAborted();
    const info = await modelInfo({ ...common, name: id, revision, additionalFields: ['sha', 'filePaths'] });
    if (!info.sha || !COMMIT_HASH.test(info.sha)) throw new HubError(`${id}: ${endpoint} gave no commit hash for revision ${revision}`);
    commit = info.sha;
    repoFiles = info.filePaths;
  } catch (e) {
    if (signal?.aborted) throw cancelled(id);
    if (isNetworkFailure(e)) {
      const cause = networkCause(e);
      const cached = fromCacheOrThrow(id, revision, cacheDir, `cannot reach ${endpoint} (${cause})`);
      return { ...cached, warning: `cannot reach ${endpoint} (${cause}); using the cached snapshot ${cached.commit}` };
    }
    throw explain(e, id, endpoint, `model (revision ${revision})`);
  }
  writeRef(cacheDir, id, revision, commit);
  const dir = snapshotDir(cacheDir, id, commit);
  const fetchFiles = (files: string[]) =>
    fetchSnapshotFiles({ id, type: 'model', endpoint, commit, cacheDir, client: common, onProgress: options.onProgress, signal }, files);

  const plan = chooseModelFiles(repoFiles, id);
  await fetchFiles(plan.files);
  const files = [...plan.files];
  if (plan.shardIndex) {
    const shards = [...new Set(readShardIndex(join(dir, plan.shardIndex)).values())];
    const absent = shards.filter((s) => !repoFiles.includes(s));
    if (absent.length) throw new HubError(`${id}: ${plan.shardIndex} names shards the repo does not have: ${absent.join(', ')}`);
    await fetchFiles(shards);
    files.push(...shards);
  }
  return { id, commit, dir, files, fromCache: false };
}

export function existsInSnapshot(dir: string, file: string): boolean {
  try {
    return statSync(join(dir, file)).isFile();
  } catch {
    return false;
  }
}

/** One repo at one resolved commit, and where its files go. */
export interface SnapshotTarget {
  id: string;
  type: RepoType;
  endpoint: string;
  commit: string;
  cacheDir: string;
  client: HubClient;
  onProgress?(progress: DownloadProgress): void;
  signal?: AbortSignal;
}

/**
 * Puts the given files of a repo at a commit into the cache's snapshot folder: files already there
 * are reported as cached and cost no request; the others are looked up in one paths-info request
 * and fetched one by one, with progress while each arrives. Shared by model and dataset downloads.
 */
export async function fetchSnapshotFiles(target: SnapshotTarget, files: string[]): Promise<void> {
  const { id, type, endpoint, commit, cacheDir, client, signal } = target;
  const dir = snapshotDir(cacheDir, id, commit, type);
  const storage = join(cacheDir, repoFolderName(id, type));
  const repo = { type, name: id };
  const notCached = files.filter((f) => !existsInSnapshot(dir, f));
  for (const f of files) {
    if (!notCached.includes(f)) {
      const size = statSync(join(dir, f)).size;
      target.onProgress?.({ file: f, done: size, total: size, cached: true });
    }
  }
  if (notCached.length === 0) return;
  let infos;
  try {
    infos = await pathsInfo({ ...client, repo, paths: notCached, revision: commit, expand: false });
  } catch (e) {
    if (signal?.aborted) throw cancelled(id);
    throw explain(e, id, endpoint, `files ${notCached.join(', ')}`, type);
  }
  for (const file of notCached) {
    const info = infos.find((i) => i.path === file);
    if (!info) throw new HubError(`${id}: ${file} not found at commit ${commit} on ${endpoint}`);
    const etag = info.lfs?.oid ?? info.xetHash ?? info.oid;
    const total = info.lfs?.size ?? info.size;
    // downloadFileToCacheDir writes blobs/<etag>.incomplete, then renames it: watch it grow.
    const partial = join(storage, 'blobs', `${etag}.incomplete`);
    const report = (done: number) => target.onProgress?.({ file, done, total, cached: false });
    report(0);
    const timer = setInterval(() => {
      try {
        report(statSync(partial).size);
      } catch {
        // not created yet, or already renamed
      }
    }, PROGRESS_POLL_MS);
    try {
      await downloadFileToCacheDir({ ...client, repo, path: file, revision: commit, cacheDir });
    } catch (e) {
      rmSync(partial, { force: true });
      if (signal?.aborted) throw cancelled(id);
      throw explain(e, id, endpoint, `file ${file}`, type);
    } finally {
      clearInterval(timer);
    }
    report(total);
  }
}
