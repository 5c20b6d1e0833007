import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../../../server/core/graph/builder';
import { div } from '../../../server/core/graph/ops/arithmetic';
import { crossEntropy } from '../../../server/core/graph/ops/crossEntropy';
import { toOrt } from '../../../server/core/runtime/tensors';
import { fdCheck, note } from './fdCheck';

const labels = [2, -100, 0, 4, 2];

test('CrossEntropy with ignore index -100 (mean over counted rows)', async () => {
  const r = await fdCheck({
    dtype: 'float64',
    inputs: [
      { name: 'z', dtype: 'float64', shape: [5, 6] },
      { name: 'y', dtype: 'int64', shape: [5], values: labels },
    ],
    wrt: ['z'],
    build: (g, t) => {
      const { sum, count } = crossEntropy(g, t.z, t.y);
      return div(g, sum, count);
    },
  });
  note('CrossEntropy', r);
  assert.ok(r.maxError < 1e-7, `max error ${r.maxError}`);
});

test('CrossEntropy with per-row weights', async () => {
  const r = await fdCheck({
    dtype: 'float64',
    inputs: [
      { name: 'z', dtype: 'float64', shape: [5, 6] },
      { name: 'y', dtype: 'int64', shape: [5], values: labels },
      { name: 'w', dtype: 'float64', shape: [5], positive: true },
    ],
    wrt: ['z'],
    build: (g, t) => crossEntropy(g, t.z, t.y, { weights: t.w }).sum,
  });
  note('CrossEntropy', r);
  assert.ok(r.maxError < 1e-7, `max error ${r.maxError}`);
});

test('CrossEntropy value matches a direct computation and skips ignored rows', async () => {
  const g = new GraphBuilder();
  const z = g.input('z', 'float64', [5, 6]);
  const y = g.input('y', 'int64', [5]);
  const { sum, count } = crossEntropy(g, z, y);
  g.output(sum, 'sum');
  g.output(count, 'count');
  const s = await ort.InferenceSession.create(g.toModel());
  const zv = Array.from({ length: 30 }, (_, i) => Math.cos(i * 1.3) * 3);
  const out = await s.run({
    z: toOrt('float64', Float64Array.from(zv), [5, 6]),
    y: toOrt('int64', BigInt64Array.from(labels, (v) => BigInt(v)), [5]),
  });
  let expected = 0;
  labels.forEach((label, i) => {
    if (label === -100) return;
    const row = zv.slice(i * 6, i * 6 + 6);
    const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
    expected += lse - row[label];
  });
  assert.ok(Math.abs(Number(out.sum.data[0]) - expected) < 1e-12);
  assert.equal(Number(out.count.data[0]), 4);
});
