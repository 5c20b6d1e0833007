import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { ProtoWriter } from '../../../server/core/graph/protoWriter';
import { GraphBuilder } from '../../../server/core/graph/builder';
import { reduceSum } from '../../../server/core/graph/ops/reduce';
import { softmax } from '../../../server/core/graph/ops/softmax';
import { float32Tensor } from '../../../server/core/runtime/tensors';

test('varints and tags follow the protobuf wire format', () => {
  assert.deepEqual([...new ProtoWriter().int(1, 300).finish()], [0x08, 0xac, 0x02]);
  // negative int64: ten-byte two's complement
  assert.deepEqual([...new ProtoWriter().int(1, -1).finish()], [0x08, ...Array(9).fill(0xff), 0x01]);
  assert.deepEqual([...new ProtoWriter().string(2, 'hi').finish()], [0x12, 0x02, 0x68, 0x69]);
  assert.deepEqual([...new ProtoWriter().packedInts(1, [1, 2, 3]).finish()], [0x0a, 0x03, 1, 2, 3]);
  assert.deepEqual([...new ProtoWriter().float(2, 1).finish()], [0x15, 0, 0, 0x80, 0x3f]);
});

test('an encoded model with negative attributes, initializers and renamed outputs runs in onnxruntime', async () => {
  const g = new GraphBuilder('t');
  const x = g.input('x', 'float32', [2, 3]);
  const s = softmax(g, x, -1); // stored as axis 1
  const bias = g.constant('float32', [3], [1, 2, 3]);
  const y = g.node1('Add', [s, bias], 'float32', [2, 3]);
  g.output(reduceSum(g, y, [-1], false), 'row_sums');
  g.output(x, 'x_again');
  const session = await ort.InferenceSession.create(g.toModel());
  const out = await session.run({ x: float32Tensor([1, 2, 3, -1, 0, 5], [2, 3]) });
  assert.deepEqual([...(out.row_sums.data as Float32Array)].map((v) => Math.round(v * 1e5) / 1e5), [7, 7]);
  assert.deepEqual([...(out.x_again.data as Float32Array)], [1, 2, 3, -1, 0, 5]);
});
