// The tokenizer side of the verbalizer check: `checkToken` for parseExperiment, answered from the
// tokenizer cache. The parser asks synchronously, so a check runs in two passes when a model's
// tokenizer is not loaded yet: the first pass notes which folders it needs (and its result is
// thrown away), the folders are loaded off the hot path, and the second pass answers for real.
import { isAbsolute } from 'node:path';
import type { TokenCheck } from '../core/experiment/environment';
import { isModelId } from '../core/hub/hubSettings';
import type { TextTokenizer } from '../core/tokenizer';
import type { FeatureContext } from './featureContext';
import { tokenizerFolder } from './tokenizerFolders';

export interface TokenCheckPass {
  checkToken(model: string, text: string): TokenCheck | undefined;
  /** Folders whose tokenizer this pass needed but the cache did not hold yet. */
  readonly pending: Set<string>;
}

export function tokenCheckPass(ctx: FeatureContext): TokenCheckPass {
  const cacheDir = ctx.hubCacheDir();
  const pending = new Set<string>();
  return {
    pending,
    checkToken(model, text) {
      // Neither a folder nor a Hub id (a bad name, or a relative folder of an unsaved file): the
      // model check speaks about the name; "tokenizer not available" would only add noise.
      if (!isAbsolute(model) && !isModelId(model)) return { ok: true, tokens: [text] };
      const folder = tokenizerFolder(model, cacheDir);
      if (!folder) return undefined; // not on this machine: the parser says so once, as information
      const state = ctx.tokenizers.peek(folder);
      if (state.status === 'failed') return undefined;
      if (state.status === 'unloaded') {
        pending.add(folder);
        return { ok: true, tokens: [text] }; // provisional; this pass's result is discarded
      }
      const split = state.tokenizer.splitIntoTokens(text);
      return { ok: split.single, tokens: split.tokens.map((t) => t.token) };
    },
  };
}

/** Runs `check` with real token answers, loading the tokenizers it turns out to need first. */
export async function withTokenChecks<T>(ctx: FeatureContext, check: (pass: TokenCheckPass) => T): Promise<T> {
  const first = tokenCheckPass(ctx);
  const result = check(first);
  if (first.pending.size === 0) return result;
  await Promise.all([...first.pending].map((folder) => ctx.tokenizers.load(folder)));
  return check(tokenCheckPass(ctx));
}

export type TokenizerLookup =
  | { status: 'ready'; tokenizer: TextTokenizer; folder: string }
  | { status: 'missing' }
  | { status: 'failed'; error: string };

/** The tokenizer of a model location for hover, loaded if needed. */
export async function tokenizerOf(ctx: FeatureContext, location: string): Promise<TokenizerLookup> {
  const folder = tokenizerFolder(location, ctx.hubCacheDir());
  if (!folder) return { status: 'missing' };
  const state = await ctx.tokenizers.load(folder);
  if (state.status === 'ready') return { status: 'ready', tokenizer: state.tokenizer, folder };
  return state.status === 'failed' ? state : { status: 'missing' };
}
