import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reduceMean, reduceSum } from '../../../server/core/graph/ops/reduce';
import { where } from '../../../server/core/graph/ops/where';
import { greater } from '../../../server/core/graph/ops/compare';
import { fdCheck, note } from './fdCheck';

for (const keepdims of [true, false]) {
  test(`ReduceSum over axes [0,2] keepdims=${keepdims}`, async () => {
    const r = await fdCheck({
      dtype: 'float64',
      inputs: [{ name: 'x', dtype: 'float64', shape: [2, 3, 4] }],
      wrt: ['x'],
      build: (g, t) => reduceSum(g, t.x, [0, 2], keepdims),
    });
    note('ReduceSum', r);
    assert.ok(r.maxError < 1e-7);
  });
  test(`ReduceMean over axis -1 keepdims=${keepdims}`, async () => {
    const r = await fdCheck({
      dtype: 'float64',
      inputs: [{ name: 'x', dtype: 'float64', shape: [2, 3, 4] }],
      wrt: ['x'],
      build: (g, t) => reduceMean(g, t.x, [-1], keepdims),
    });
    note('ReduceMean', r);
    assert.ok(r.maxError < 1e-7);
  });
}

test('Where with a broadcast branch (masks)', async () => {
  const r = await fdCheck({
    dtype: 'float64',
    inputs: [
      { name: 'a', dtype: 'float64', shape: [3, 4] },
      { name: 'b', dtype: 'float64', shape: [4] },
      { name: 'c', dtype: 'float64', shape: [3, 4], values: Array.from({ length: 12 }, (_, i) => (i % 3) - 1) },
    ],
    wrt: ['a', 'b'],
    build: (g, t) => where(g, greater(g, t.c, g.scalar(0, 'float64')), t.a, t.b),
  });
  note('Where', r);
  assert.ok(r.maxError < 1e-7);
});
