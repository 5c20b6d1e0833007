// Token batches as the graph inputs the engine and evaluator take (see model/optBatch.ts for what
// each input means).
import type * as ort from 'onnxruntime-node';
import { decoderFeeds, lmLabelsFromBatch, shiftedLmLabels, type TokenBatch } from '../model/optBatch';
import { CLASS_LABELS, LM_LABELS } from './losses';
import { float32Tensor, int64Tensor } from './tensors';

/** input_ids, position_ids, key_mask and last_token_row for a padded batch. */
export function decoderTensors(tb: TokenBatch, padTokenId: number): Record<string, ort.Tensor> {
  const f = decoderFeeds(tb, padTokenId);
  const { batch: b, seq: t } = tb;
  return {
    input_ids: int64Tensor(f.input_ids, [b, t]),
    position_ids: int64Tensor(f.position_ids, [b, t]),
    key_mask: float32Tensor(f.key_mask, [b, t]),
    last_token_row: int64Tensor(f.last_token_row, [b]),
  };
}

/** Shifted causal-LM labels of the batch's own tokens (padding ignored), for causalLmLoss. */
export function lmLabelTensor(tb: TokenBatch): Record<string, ort.Tensor> {
  return { [LM_LABELS]: int64Tensor(shiftedLmLabels(lmLabelsFromBatch(tb), tb.batch, tb.seq), [tb.batch * tb.seq]) };
}

/** Class labels [B], for classificationLoss. */
export function classLabelTensor(labels: readonly number[]): Record<string, ort.Tensor> {
  return { [CLASS_LABELS]: int64Tensor(labels, [labels.length]) };
}
