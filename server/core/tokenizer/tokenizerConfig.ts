// What a model folder says about its special tokens, from tokenizer_config.json and
// special_tokens_map.json (either may be missing; OPT repos have both, our data/opt copy neither).
// Defaults are OPT's: `</s>` serves as BOS, EOS and UNK, `<pad>` pads, and BOS is prepended.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export class TokenizerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenizerError';
  }
}

/** One entry of tokenizer.json's `added_tokens`. */
export interface AddedTokenSpec {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

export interface SpecialTokenSettings {
  bos: string;
  eos: string;
  unk: string;
  pad: string;
  /** Prepend BOS to every sequence (OPT: yes). */
  addBos: boolean;
  /** ByteLevel pre-tokenizer adds a space before the first word (OPT: no). */
  addPrefixSpace: boolean;
  /** transformers' decode clean-up (" ." → "."); off unless the config turns it on. */
  cleanUpSpaces: boolean;
  /** Tokens the config declares explicitly (`added_tokens_decoder`), by id. */
  declared: Map<number, Omit<AddedTokenSpec, 'id'>>;
  additional: string[];
}

export function readJsonFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new TokenizerError(`${file}: cannot read: ${(e as Error).message}`);
  }
  try {
    const value = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (e) {
    throw new TokenizerError(`${file}: invalid JSON: ${(e as Error).message}`);
  }
}

/** A token in these files is either a string or an AddedToken object with `content`. */
function tokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}

export function readSpecialTokenSettings(dir: string): SpecialTokenSettings {
  const configFile = join(dir, 'tokenizer_config.json');
  const mapFile = join(dir, 'special_tokens_map.json');
  const config = existsSync(configFile) ? readJsonFile(configFile) : {};
  const map = existsSync(mapFile) ? readJsonFile(mapFile) : {};
  const pick = (key: string, fallback: string) => tokenContent(config[key]) ?? tokenContent(map[key]) ?? fallback;

  const declared = new Map<number, Omit<AddedTokenSpec, 'id'>>();
  const decoder = config.added_tokens_decoder;
  if (typeof decoder === 'object' && decoder !== null) {
    for (const [id, spec] of Object.entries(decoder as Record<string, Record<string, unknown>>)) {
      const content = tokenContent(spec);
      if (content === undefined || !/^\d+$/.test(id)) throw new TokenizerError(`${configFile}: malformed added_tokens_decoder entry ${id}`);
      declared.set(Number(id), {
        content,
        single_word: spec.single_word === true,
        lstrip: spec.lstrip === true,
        rstrip: spec.rstrip === true,
        normalized: spec.normalized === true,
        special: spec.special !== false,
      });
    }
  }
  const additionalRaw = config.additional_special_tokens ?? map.additional_special_tokens;
  const additional = Array.isArray(additionalRaw)
    ? additionalRaw.map(tokenContent).filter((t): t is string => t !== undefined)
    : [];

  return {
    bos: pick('bos_token', '</s>'),
    eos: pick('eos_token', '</s>'),
    unk: pick('unk_token', '</s>'),
    pad: pick('pad_token', '<pad>'),
    addBos: config.add_bos_token !== false,
    addPrefixSpace: config.add_prefix_space === true,
    cleanUpSpaces: config.clean_up_tokenization_spaces === true,
    declared,
    additional,
  };
}
