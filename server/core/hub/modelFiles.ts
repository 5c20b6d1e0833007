// Which files of a Hub repo a model needs: its config, its tokenizer, and one form of its weights,
// chosen in the order the checkpoint loader prefers. Everything else (TF, Flax, ONNX, READMEs)
// stays on the Hub.
import { WEIGHT_CANDIDATES } from '../model/weights/checkpoint';
import { HubError } from './hubErrors';

export interface ModelFilePlan {
  /** Files to fetch first, in order. */
  files: string[];
  /** A shard index among them, whose shards are fetched next. */
  shardIndex?: string;
}

const TOKENIZER_EXTRAS = ['tokenizer_config.json', 'special_tokens_map.json'];

export function chooseModelFiles(repoFiles: readonly string[], id: string): ModelFilePlan {
  const has = (f: string) => repoFiles.includes(f);
  if (!has('config.json')) throw new HubError(`${id}: the repo has no config.json, so it is not a transformers model`);
  const tokenizer = has('tokenizer.json') ? ['tokenizer.json'] : has('vocab.json') && has('merges.txt') ? ['vocab.json', 'merges.txt'] : [];
  if (tokenizer.length === 0) throw new HubError(`${id}: the repo has no tokenizer (tokenizer.json, or vocab.json + merges.txt)`);
  const weights = WEIGHT_CANDIDATES.find((c) => has(c.file));
  if (!weights) {
    throw new HubError(`${id}: the repo has no weights this loader reads (${WEIGHT_CANDIDATES.map((c) => c.file).join(', ')})`);
  }
  return {
    files: ['config.json', ...tokenizer, ...TOKENIZER_EXTRAS.filter(has), weights.file],
    shardIndex: weights.sharded ? weights.file : undefined,
  };
}
