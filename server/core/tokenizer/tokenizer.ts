// The tokenizer of a model folder, on @huggingface/tokenizers. It reads tokenizer.json where the
// folder has one, else builds the same object from vocab.json + merges.txt (see tokenizerJson.ts).
// Behaviour follows transformers' OPT tokenizer: `</s>` (id 2) is prepended, `<pad>` (id 1) pads,
// special tokens written inside text match as those tokens, decoding does no space clean-up.
import { Tokenizer } from '@huggingface/tokenizers';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile, readSpecialTokenSettings, TokenizerError } from './tokenizerConfig';
import { buildTokenizerJson } from './tokenizerJson';

export { TokenizerError } from './tokenizerConfig';

export type TokenizerSource = 'tokenizer.json' | 'vocab+merges';

export interface LoadTokenizerOptions {
  /** Which files to build from; by default tokenizer.json when present, else vocab.json + merges.txt. */
  source?: TokenizerSource;
}

export interface EncodeOptions {
  /** Add the template's special tokens (OPT: a leading `</s>`). Default true. */
  addSpecial?: boolean;
  /** A second sequence (premise/hypothesis); OPT's template gives `</s> A </s> B`. */
  pair?: string;
}

/** How a string (e.g. a verbalizer such as " Yes") tokenizes, for diagnostics. */
export interface TokenSplit {
  /** True when the string is exactly one token. */
  single: boolean;
  /** That token's id when single. */
  id?: number;
  /** The pieces: byte-level token string, id, and the text each stands for. */
  tokens: { token: string; id: number; text: string }[];
}

export class TextTokenizer {
  /** Id used to pad batches. */
  readonly padId: number;
  /** Id prepended to each sequence (OPT: `</s>` = 2), or undefined when nothing is prepended. */
  readonly bosId: number | undefined;
  readonly eosId: number | undefined;
  /** Number of ids (vocabulary plus added tokens). */
  readonly vocabSize: number;

  constructor(private readonly inner: Tokenizer, special: { pad: string; eos: string }, readonly source: TokenizerSource) {
    const pad = inner.token_to_id(special.pad);
    if (pad === undefined) throw new TokenizerError(`pad token ${JSON.stringify(special.pad)} is not in the vocabulary`);
    this.padId = pad;
    // Whatever the template puts before an empty text is what gets prepended to every sequence.
    this.bosId = inner.encode('', { add_special_tokens: true }).ids[0];
    this.eosId = inner.token_to_id(special.eos);
    this.vocabSize = inner.get_vocab(true).size;
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    return this.inner.encode(text, { add_special_tokens: options.addSpecial ?? true, text_pair: options.pair ?? null }).ids;
  }

  /** Ids back to text. Special tokens are kept unless `skipSpecial`. */
  decode(ids: readonly number[], options: { skipSpecial?: boolean } = {}): string {
    if (ids.length === 0) return ''; // the library refuses an empty list
    return this.inner.decode([...ids], { skip_special_tokens: options.skipSpecial ?? false });
  }

  /** Token strings in byte-level form (a leading space shows as "Ġ"), without special tokens added. */
  tokenize(text: string): string[] {
    return this.inner.tokenize(text, { add_special_tokens: false });
  }

  tokenId(token: string): number | undefined {
    return this.inner.token_to_id(token);
  }

  idToken(id: number): string | undefined {
    return this.inner.id_to_token(id);
  }

  splitIntoTokens(text: string): TokenSplit {
    const encoding = this.inner.encode(text, { add_special_tokens: false });
    const tokens = encoding.ids.map((id, i) => ({ token: encoding.tokens[i], id, text: this.decode([id]) }));
    return tokens.length === 1 ? { single: true, id: tokens[0].id, tokens } : { single: false, tokens };
  }
}

/** Loads the tokenizer of a model folder. Errors name the folder or the file at fault. */
export function loadTokenizer(dir: string, options: LoadTokenizerOptions = {}): TextTokenizer {
  const settings = readSpecialTokenSettings(dir);
  const jsonFile = join(dir, 'tokenizer.json');
  const vocabFile = join(dir, 'vocab.json');
  const mergesFile = join(dir, 'merges.txt');
  const source: TokenizerSource | undefined =
    options.source ?? (existsSync(jsonFile) ? 'tokenizer.json' : existsSync(vocabFile) && existsSync(mergesFile) ? 'vocab+merges' : undefined);
  if (!source) throw new TokenizerError(`${dir}: no tokenizer found: expected tokenizer.json, or vocab.json and merges.txt`);
  for (const file of source === 'tokenizer.json' ? [jsonFile] : [vocabFile, mergesFile]) {
    if (!existsSync(file)) throw new TokenizerError(`${file}: missing`);
  }
  const json = source === 'tokenizer.json' ? readJsonFile(jsonFile) : buildTokenizerJson(vocabFile, mergesFile, settings);
  let inner: Tokenizer;
  try {
    inner = new Tokenizer(json, { clean_up_tokenization_spaces: settings.cleanUpSpaces });
  } catch (e) {
    throw new TokenizerError(`${source === 'tokenizer.json' ? jsonFile : dir}: cannot build the tokenizer: ${(e as Error).message}`);
  }
  return new TextTokenizer(inner, settings, source);
}
