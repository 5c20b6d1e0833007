import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expand, reshape, transpose, unsqueeze } from '../../../server/core/graph/ops/shape';
import { concat, slice } from '../../../server/core/graph/ops/sliceConcat';
import { mul } from '../../../server/core/graph/ops/arithmetic';
import { fdCheck, note } from './fdCheck';

const x = (shape: number[]) => [{ name: 'x', dtype: 'float64' as const, shape }];

test('Reshape', async () => {
  const r = await fdCheck({ dtype: 'float64', inputs: x([2, 6]), wrt: ['x'], build: (g, t) => reshape(g, t.x, [3, -1, 2]) });
  note('Reshape', r);
  assert.ok(r.maxError < 1e-7);
});

test('Transpose', async () => {
  const r = await fdCheck({ dtype: 'float64', inputs: x([2, 3, 4]), wrt: ['x'], build: (g, t) => transpose(g, t.x, [1, 2, 0]) });
  note('Transpose', r);
  assert.ok(r.maxError < 1e-7);
});

test('Unsqueeze', async () => {
  const r = await fdCheck({ dtype: 'float64', inputs: x([2, 3]), wrt: ['x'], build: (g, t) => unsqueeze(g, t.x, [0, -1]) });
  note('Unsqueeze', r);
  assert.ok(r.maxError < 1e-7);
});

test('Expand', async () => {
  const r = await fdCheck({ dtype: 'float64', inputs: x([3, 1]), wrt: ['x'], build: (g, t) => expand(g, t.x, [2, 3, 4]) });
  note('Expand', r);
  assert.ok(r.maxError < 1e-7);
});

for (const [start, end] of [[0, 2], [1, 3], [2, 4]]) {
  test(`Slice ${start}:${end} of axis 1`, async () => {
    const r = await fdCheck({ dtype: 'float64', inputs: x([2, 4, 3]), wrt: ['x'], build: (g, t) => slice(g, t.x, 1, start, end) });
    note('Slice', r);
    assert.ok(r.maxError < 1e-7);
  });
}

test('Concat of three pieces, one used twice', async () => {
  const r = await fdCheck({
    dtype: 'float64',
    inputs: [
      { name: 'a', dtype: 'float64', shape: [2, 1] },
      { name: 'b', dtype: 'float64', shape: [2, 3] },
    ],
    wrt: ['a', 'b'],
    build: (g, t) => concat(g, [t.a, mul(g, t.b, t.b), t.a], 1),
  });
  note('Concat', r);
  assert.ok(r.maxError < 1e-7);
});
