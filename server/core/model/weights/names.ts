// Parameter names. Checkpoints of the same OPT model name their tensors two ways: the Hub's original
// facebook/opt-* files use `decoder.layers.0…`, transformers' save_pretrained uses
// `model.decoder.layers.0…`. We settle on the latter (it is also what the reference goldens use).
import type { WeightTensor } from './tensor';

const EMBEDDING = 'model.decoder.embed_tokens.weight';
const LM_HEAD = 'lm_head.weight';

/** `decoder.x` → `model.decoder.x`; every other name is kept as it is. */
export function canonicalName(name: string): string {
  return name.startsWith('decoder.') ? `model.${name}` : name;
}

function sameValues(a: WeightTensor, b: WeightTensor): boolean {
  if (a.data === b.data) return true;
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
  if (a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

/**
 * Drops `lm_head.weight` when it only repeats the token embedding (OPT ties them; some checkpoints
 * store both). An lm_head that differs is kept, so an untied model still sees it.
 */
export function dropTiedHead(tensors: Map<string, WeightTensor>): void {
  const head = tensors.get(LM_HEAD);
  const embedding = tensors.get(EMBEDDING);
  if (head && embedding && sameValues(head, embedding)) tensors.delete(LM_HEAD);
}
