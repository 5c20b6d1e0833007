// Assembles, in memory, the tokenizer.json object that @huggingface/tokenizers needs from a GPT-2
// style vocab.json + merges.txt (OPT repos ship no tokenizer.json): a byte-level BPE model, a
// ByteLevel pre-tokenizer and decoder, the special tokens as added tokens (so they are matched
// whole inside text), and a template that prepends BOS — `</s>` for OPT — to each sequence.
import { readFileSync } from 'node:fs';
import { readJsonFile, TokenizerError, type AddedTokenSpec, type SpecialTokenSettings } from './tokenizerConfig';

export function readVocab(file: string): Record<string, number> {
  const vocab = readJsonFile(file);
  for (const [token, id] of Object.entries(vocab)) {
    if (!Number.isSafeInteger(id) || (id as number) < 0) throw new TokenizerError(`${file}: token ${JSON.stringify(token)} has id ${JSON.stringify(id)}, not an index`);
  }
  return vocab as Record<string, number>;
}

export function readMerges(file: string): [string, string][] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new TokenizerError(`${file}: cannot read: ${(e as Error).message}`);
  }
  const merges: [string, string][] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line === '' || (i === 0 && line.startsWith('#version'))) return;
    const parts = line.split(' ');
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new TokenizerError(`${file}:${i + 1}: a merge is two tokens separated by one space, got ${JSON.stringify(line)}`);
    merges.push([parts[0], parts[1]]);
  });
  return merges;
}

/** Added tokens: those the config declares, plus BOS/EOS/UNK/PAD and additional ones, by their vocab id. */
function addedTokens(vocab: Record<string, number>, settings: SpecialTokenSettings, vocabFile: string): AddedTokenSpec[] {
  const byContent = new Map<string, AddedTokenSpec>();
  for (const [id, spec] of settings.declared) byContent.set(spec.content, { id, ...spec });
  let nextId = [...Object.values(vocab), ...settings.declared.keys()].reduce((a, b) => Math.max(a, b), -1) + 1;
  const add = (content: string, id: number) =>
    byContent.set(content, { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  for (const content of [settings.bos, settings.pad]) {
    if (byContent.has(content)) continue;
    if (vocab[content] === undefined) throw new TokenizerError(`${vocabFile}: special token ${JSON.stringify(content)} is not in the vocabulary`);
    add(content, vocab[content]);
  }
  // EOS/UNK missing from the vocabulary are never produced by byte-level BPE: no id is invented for them.
  for (const content of [settings.eos, settings.unk]) {
    if (!byContent.has(content) && vocab[content] !== undefined) add(content, vocab[content]);
  }
  // Extra special tokens the vocabulary lacks get new ids after it, as transformers appends them.
  for (const content of settings.additional) {
    if (!byContent.has(content)) add(content, vocab[content] ?? nextId++);
  }
  return [...byContent.values()].sort((a, b) => a.id - b.id);
}

export function buildTokenizerJson(vocabFile: string, mergesFile: string, settings: SpecialTokenSettings): Record<string, unknown> {
  const vocab = readVocab(vocabFile);
  const merges = readMerges(mergesFile);
  const added = addedTokens(vocab, settings, vocabFile);
  const bosId = added.find((t) => t.content === settings.bos)!.id;
  const bos = { SpecialToken: { id: settings.bos, type_id: 0 } };
  const seq = (id: 'A' | 'B') => ({ Sequence: { id, type_id: 0 } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: settings.addPrefixSpace, trim_offsets: true, use_regex: true },
    // transformers' GPT2Tokenizer puts BOS before each of a pair's sequences: `</s> A </s> B`.
    post_processor: settings.addBos
      ? {
          type: 'TemplateProcessing',
          single: [bos, seq('A')],
          pair: [bos, seq('A'), bos, seq('B')],
          special_tokens: { [settings.bos]: { id: settings.bos, ids: [bosId], tokens: [settings.bos] } },
        }
      : null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
}
