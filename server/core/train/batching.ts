// Batches of a fixed graph shape. A compiled graph has one batch shape (B, T), so a short last
// batch is filled with padding rows that carry no label (-100) and weight 0: they add nothing to
// the loss or its normalizer, and the update equals that of the short batch alone.
import type * as ort from 'onnxruntime-node';
import { decoderFeeds, padBatch } from '../model/optBatch';
import { int64Tensor, float32Tensor } from '../runtime/tensors';

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Rows padded to `batch` entries with `undefined`. */
export function padRows<T>(rows: readonly T[], batch: number): (T | undefined)[] {
  return [...rows, ...new Array<undefined>(Math.max(0, batch - rows.length)).fill(undefined)];
}

/** The decoder's graph inputs for token sequences (undefined rows: a single pad token). */
export function decoderInputs(sequences: readonly (readonly number[] | undefined)[], seq: number, padId: number): Record<string, ort.Tensor> {
  const tb = padBatch(sequences.map((s) => s ?? [padId]), seq, padId);
  const f = decoderFeeds(tb, padId);
  const b = sequences.length;
  return {
    input_ids: int64Tensor(f.input_ids, [b, seq]),
    position_ids: int64Tensor(f.position_ids, [b, seq]),
    key_mask: float32Tensor(f.key_mask, [b, seq]),
    last_token_row: int64Tensor(f.last_token_row, [b]),
  };
}

/** Sequence length of a graph: the longest input, rounded up to a multiple of 8 (fewer distinct shapes). */
export function graphSeqLength(lengths: readonly number[], limit: number): number {
  const longest = Math.max(1, ...lengths);
  return Math.min(limit, Math.ceil(longest / 8) * 8);
}
