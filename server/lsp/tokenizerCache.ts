// Tokenizers of model folders, loaded once and kept. Building OPT's tokenizer from vocab.json +
// merges.txt takes 0.2–0.5 s, so it never happens inside a keystroke's handling: `peek` only looks,
// and `load` builds on a later turn of the event loop (after the messages already queued are
// answered). An entry is keyed by the folder and its tokenizer files' sizes and times, so a model
// downloaded or replaced after the first look is picked up, and a broken one is not retried on
// every check.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer, type TextTokenizer } from '../core/tokenizer';

export type TokenizerState =
  | { status: 'ready'; tokenizer: TextTokenizer }
  | { status: 'failed'; error: string }
  | { status: 'unloaded' };

const TOKENIZER_FILES = ['tokenizer.json', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json'];

/** Each OPT tokenizer holds ~50k vocabulary entries and merges; a few models are plenty. */
const MAX_ENTRIES = 4;

export class TokenizerCache {
  private readonly entries = new Map<string, Exclude<TokenizerState, { status: 'unloaded' }>>();
  private readonly loading = new Map<string, Promise<TokenizerState>>();
  /** How many tokenizers were actually built (tests check that each folder is built once). */
  loads = 0;

  peek(folder: string): TokenizerState {
    const key = cacheKey(folder);
    const entry = this.entries.get(key);
    if (!entry) return { status: 'unloaded' };
    // Most recently used last, so the oldest is evicted first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /** The folder's tokenizer, built on a later event-loop turn if it is not cached yet. */
  load(folder: string): Promise<TokenizerState> {
    const known = this.peek(folder);
    if (known.status !== 'unloaded') return Promise.resolve(known);
    const key = cacheKey(folder);
    const pending = this.loading.get(key);
    if (pending) return pending;
    const promise = new Promise<TokenizerState>((resolve) => {
      setImmediate(() => {
        this.loading.delete(key);
        resolve(this.build(folder, key));
      });
    });
    this.loading.set(key, promise);
    return promise;
  }

  private build(folder: string, key: string): TokenizerState {
    let entry: Exclude<TokenizerState, { status: 'unloaded' }>;
    try {
      this.loads++;
      entry = { status: 'ready', tokenizer: loadTokenizer(folder) };
    } catch (error) {
      entry = { status: 'failed', error: error instanceof Error ? error.message : String(error) };
    }
    this.entries.set(key, entry);
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    return entry;
  }
}

function cacheKey(folder: string): string {
  const stamps = TOKENIZER_FILES.map((file) => {
    try {
      const stat = statSync(join(folder, file)); // follows the cache's symlinks to the blobs
      return `${stat.size}:${stat.mtimeMs}`;
    } catch {
      return '-';
    }
  });
  return `${folder}\0${stamps.join(',')}`;
}
