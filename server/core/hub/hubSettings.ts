// Where the Hugging Face cache is, which endpoint to talk to, offline mode and the access token —
// read from the same environment variables, in the same order, as Python's huggingface_hub, so a
// Python user's cache and settings are shared.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type Env = Record<string, string | undefined>;

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

function hfHome(env: Env): string {
  return env.HF_HOME ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'huggingface');
}

/** `$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`. */
/**
 * The cache folder a user setting names (`ftlab.hfCacheDir`): trimmed, `~` expanded; empty means
 * the standard one. The language server and the runner both resolve it here, so they agree.
 */
export function configuredHubCacheDir(setting: string, env: Env = process.env): string {
  const configured = setting.trim();
  if (!configured) return hubCacheDir(env);
  return configured === '~' || configured.startsWith('~/') ? join(homedir(), configured.slice(1)) : configured;
}

export function hubCacheDir(env: Env = process.env): string {
  return env.HF_HUB_CACHE ?? env.HUGGINGFACE_HUB_CACHE ?? join(hfHome(env), 'hub');
}

export function hubEndpoint(env: Env = process.env): string {
  return (env.HF_ENDPOINT ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
}

/** HF_HUB_OFFLINE=1 (or true/yes/on): never touch the network, resolve from the cache only. */
export function isOffline(env: Env = process.env): boolean {
  return ['1', 'true', 'yes', 'on'].includes((env.HF_HUB_OFFLINE ?? '').trim().toLowerCase());
}

/** `$HF_TOKEN`, else the token file `huggingface-cli login` writes (`$HF_TOKEN_PATH` or `$HF_HOME/token`). */
export function accessToken(env: Env = process.env): string | undefined {
  const fromEnv = env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN;
  if (fromEnv?.trim()) return fromEnv.trim();
  const file = env.HF_TOKEN_PATH ?? join(hfHome(env), 'token');
  if (!existsSync(file)) return undefined;
  const token = readFileSync(file, 'utf8').trim();
  return token || undefined;
}

/** A Hub model id: `name` or `org/name`, with the characters the Hub allows. */
export function isModelId(id: string): boolean {
  return /^(?:[\w.-]+\/)?[\w.-]+$/.test(id) && !id.includes('..') && !id.includes('--') && !/(^|\/)[.-]|[.-]($|\/)/.test(id);
}

/** The Hub's repo kinds this project fetches; the cache keeps them apart by folder prefix. */
export type RepoType = 'model' | 'dataset';

/** `models--org--name` (or `datasets--org--name`), the cache folder of a repo. */
export function repoFolderName(id: string, type: RepoType = 'model'): string {
  return [`${type}s`, ...id.split('/')].join('--');
}
