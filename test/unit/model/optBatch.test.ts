import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decoderFeeds, lmLabelsFromBatch, padBatch, shiftedLmLabels } from '../../../server/core/model/optBatch';

test('position ids follow HF: cumsum(mask)·mask − 1 + 2, padding at row 1', () => {
  const b = padBatch([[2, 10, 11, 12], [2, 20]], 5, 1);
  const f = decoderFeeds(b, 1);
  assert.deepEqual([...f.position_ids].map(Number), [2, 3, 4, 5, 1, 2, 3, 1, 1, 1]);
  assert.deepEqual([...f.key_mask], [1, 1, 1, 1, 0, 1, 1, 0, 0, 0]);
  assert.deepEqual([...f.input_ids].map(Number), [2, 10, 11, 12, 1, 2, 20, 1, 1, 1]);
});

test('left padding gets positions counted from the first real token', () => {
  const ids = BigInt64Array.from([1n, 1n, 2n, 7n]);
  const mask = BigInt64Array.from([0n, 0n, 1n, 1n]);
  const f = decoderFeeds({ batch: 1, seq: 4, inputIds: ids, attentionMask: mask }, 1);
  assert.deepEqual([...f.position_ids].map(Number), [1, 1, 2, 3]);
});

test('last non-pad row is the flat index b·T + t of the last token that is not pad_token_id', () => {
  const b = padBatch([[2, 10, 11], [2], [2, 5, 6, 7]], 4, 1);
  assert.deepEqual([...decoderFeeds(b, 1).last_token_row].map(Number), [2, 4, 11]);
});

test('LM labels: -100 on padding, shifted left by one for next-token prediction', () => {
  const b = padBatch([[2, 10, 11], [2, 20]], 3, 1);
  const labels = lmLabelsFromBatch(b);
  assert.deepEqual([...labels].map(Number), [2, 10, 11, 2, 20, -100]);
  assert.deepEqual([...shiftedLmLabels(labels, 2, 3)].map(Number), [10, 11, -100, 20, -100, -100]);
});

test('a sequence longer than the batch length is refused', () => {
  assert.throws(() => padBatch([[1, 2, 3]], 2, 1), /sequence 0 has 3 tokens, more than the batch length 2/);
});
