// Turning token ids and an attention mask into the decoder's graph inputs. Everything here is
// integer bookkeeping done once per batch in JS (cheap, and it keeps int64 arithmetic out of GPU
// graphs):
// - position ids as HF derives them: cumsum(mask) · mask - 1, plus OPT's offset 2
// - a float key mask for the attention bias
// - the flat row (b·T + t) of each sequence's last non-pad token, where
//   OPTForSequenceClassification reads its logits (HF finds it from input_ids ≠ pad_token_id)
import { POSITION_OFFSET } from './config';

export interface TokenBatch {
  batch: number; // B
  seq: number; // T
  inputIds: BigInt64Array; // [B*T]
  attentionMask: BigInt64Array; // [B*T], 1 real / 0 padding
}

export interface DecoderFeeds {
  input_ids: BigInt64Array; // [B, T]
  position_ids: BigInt64Array; // [B, T]
  key_mask: Float32Array; // [B, T]
  last_token_row: BigInt64Array; // [B]
}

/** Pads (right) a list of token-id sequences into a batch of length `seq` with `padId`. */
export function padBatch(sequences: readonly (readonly number[])[], seq: number, padId: number): TokenBatch {
  const b = sequences.length;
  const inputIds = new BigInt64Array(b * seq).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(b * seq);
  sequences.forEach((s, i) => {
    if (s.length > seq) throw new Error(`sequence ${i} has ${s.length} tokens, more than the batch length ${seq}`);
    s.forEach((id, j) => {
      inputIds[i * seq + j] = BigInt(id);
      attentionMask[i * seq + j] = 1n;
    });
  });
  return { batch: b, seq, inputIds, attentionMask };
}

export function decoderFeeds(tb: TokenBatch, padTokenId: number): DecoderFeeds {
  const { batch: b, seq: t } = tb;
  const position = new BigInt64Array(b * t);
  const keyMask = new Float32Array(b * t);
  const lastRow = new BigInt64Array(b);
  const pad = BigInt(padTokenId);
  for (let i = 0; i < b; i++) {
    let cumsum = 0n;
    let last = -1;
    for (let j = 0; j < t; j++) {
      const k = i * t + j;
      const m = tb.attentionMask[k];
      cumsum += m;
      position[k] = cumsum * m - 1n + BigInt(POSITION_OFFSET);
      keyMask[k] = Number(m);
      if (tb.inputIds[k] !== pad) last = j;
    }
    // HF's argmax over an all-pad row gives 0: the first position.
    lastRow[i] = BigInt(i * t + Math.max(last, 0));
  }
  return { input_ids: tb.inputIds, position_ids: position, key_mask: keyMask, last_token_row: lastRow };
}

/** Causal-LM labels shifted left by one (label of position t is token t+1), -100 where ignored. */
export function shiftedLmLabels(labels: BigInt64Array, batch: number, seq: number): BigInt64Array {
  const out = new BigInt64Array(batch * seq).fill(-100n);
  for (let i = 0; i < batch; i++) for (let j = 0; j + 1 < seq; j++) out[i * seq + j] = labels[i * seq + j + 1];
  return out;
}

/** LM labels from a batch: the input ids, -100 on padding. */
export function lmLabelsFromBatch(tb: TokenBatch): BigInt64Array {
  return tb.inputIds.map((id, k) => (tb.attentionMask[k] ? id : -100n));
}
