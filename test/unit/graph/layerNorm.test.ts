import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layerNorm } from '../../../server/core/graph/ops/layerNorm';
import { fdCheck, note } from './fdCheck';

test('LayerNormalization, float64 (statistics recomputed in the backward)', async () => {
  const r = await fdCheck({
    dtype: 'float64',
    inputs: [
      { name: 'x', dtype: 'float64', shape: [2, 3, 5] },
      { name: 'w', dtype: 'float64', shape: [5] },
      { name: 'b', dtype: 'float64', shape: [5] },
    ],
    wrt: ['x', 'w', 'b'],
    build: (g, t) => layerNorm(g, t.x, t.w, t.b, 1e-5),
  });
  note('LayerNormalization', r);
  assert.ok(r.maxError < 1e-7, `max error ${r.maxError}`);
});

test('LayerNormalization, float32 (mean and inv-std taken from the forward node)', async () => {
  // float32 finite differences are coarse (h = 1e-2): the tolerance reflects that, not the rule.
  const r = await fdCheck({
    dtype: 'float32',
    inputs: [
      { name: 'x', dtype: 'float32', shape: [4, 6] },
      { name: 'w', dtype: 'float32', shape: [6] },
      { name: 'b', dtype: 'float32', shape: [6] },
    ],
    wrt: ['x', 'w', 'b'],
    build: (g, t) => layerNorm(g, t.x, t.w, t.b, 1e-5),
  });
  note('LayerNormalization (f32)', r);
  assert.ok(r.maxError < 5e-3, `max error ${r.maxError}`);
});
