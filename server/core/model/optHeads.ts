// Heads on the decoder output (rows [B*T, Cp]):
// - the LM head, tied to the token embeddings: all vocabulary rows, or only chosen token ids
//   (verbalizers) at chosen positions, which skips the [B*T, V] product entirely;
// - OPTForSequenceClassification's `score` linear (no bias) on the last non-pad token.
import type { GraphBuilder, Tensor } from '../graph/builder';
import { gatherRows } from '../graph/ops/gather';
import { linear } from '../graph/ops/linear';
import { EMBED_TOKENS, SCORE } from './optParams';

/** Logits over the whole vocabulary for every position: [B*T, V]. */
export function lmLogitsAll(g: GraphBuilder, param: (name: string) => Tensor, output: Tensor): Tensor {
  return linear(g, output, param(EMBED_TOKENS));
}

/** The decoder output at one row per sequence: rows [B] are flat indices b*T + t. */
export function pickRows(g: GraphBuilder, output: Tensor, rows: Tensor): Tensor {
  return gatherRows(g, output, rows); // [B, Cp]
}

/** LM logits of selected hidden rows restricted to `tokenIds` [K]: [B, K]. */
export function lmLogitsForTokens(g: GraphBuilder, param: (name: string) => Tensor, hidden: Tensor, tokenIds: Tensor): Tensor {
  const rows = gatherRows(g, param(EMBED_TOKENS), tokenIds); // [K, Cp]
  return linear(g, hidden, rows);
}

/** Classification logits from selected hidden rows: [B, numLabels]. */
export function classLogits(g: GraphBuilder, param: (name: string) => Tensor, hidden: Tensor): Tensor {
  return linear(g, hidden, param(SCORE));
}
