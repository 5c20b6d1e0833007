import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exp, log, powConst, sqrt } from '../../../server/core/graph/ops/pointwise';
import { relu } from '../../../server/core/graph/ops/relu';
import { dropout, dropoutMask } from '../../../server/core/graph/ops/dropout';
import { Rng } from '../../../server/core/model/random';
import { fdCheck, note } from './fdCheck';

const unaries = {
  Exp: { op: exp, positive: false },
  Log: { op: log, positive: true },
  Sqrt: { op: sqrt, positive: true },
  PowConst: { op: (g: Parameters<typeof exp>[0], x: Parameters<typeof exp>[1]) => powConst(g, x, 1.5), positive: true },
};

for (const [family, { op, positive }] of Object.entries(unaries)) {
  test(`${family}`, async () => {
    const r = await fdCheck({
      dtype: 'float64',
      inputs: [{ name: 'x', dtype: 'float64', shape: [3, 4], positive }],
      wrt: ['x'],
      build: (g, t) => op(g, t.x),
    });
    note(family, r);
    assert.ok(r.maxError < 1e-7, `max error ${r.maxError}`);
  });
}

test('Relu (inputs kept away from the kink at 0)', async () => {
  const values = Array.from({ length: 12 }, (_, i) => (i % 2 ? 1 : -1) * (0.1 + i / 10));
  const r = await fdCheck({
    dtype: 'float64',
    inputs: [{ name: 'x', dtype: 'float64', shape: [3, 4], values }],
    wrt: ['x'],
    build: (g, t) => relu(g, t.x),
  });
  note('Relu', r);
  assert.ok(r.maxError < 1e-7, `max error ${r.maxError}`);
});

test('Dropout: the gradient is masked and scaled like the forward', async () => {
  const mask = Array.from(new Rng(3).fillDropoutMask(new Float32Array(12), 0.25));
  assert.ok(mask.some((m) => m === 0) && mask.some((m) => Math.abs(m - 4 / 3) < 1e-6));
  const r = await fdCheck({
    dtype: 'float64',
    inputs: [
      { name: 'x', dtype: 'float64', shape: [3, 4] },
      { name: 'mask', dtype: 'float64', shape: [3, 4], values: mask },
    ],
    wrt: ['x'],
    build: (g, t) => dropout(g, t.x, t.mask),
  });
  note('Dropout', r);
  assert.ok(r.maxError < 1e-7, `max error ${r.maxError}`);
});

test('dropoutMask draws from any uniform source', () => {
  const r1 = new Rng(42);
  const m = dropoutMask(() => r1.next(), 10000, 0.1);
  const dropped = m.filter((v) => v === 0).length / m.length;
  assert.ok(Math.abs(dropped - 0.1) < 0.02, `dropped ${dropped}`);
  assert.equal(dropoutMask(() => 0.5, 3, 0.5).join(','), [2, 2, 2].join(','));
});

test('the fast in-place mask generator drops about p, keeps 1/(1-p), and follows the seed', () => {
  const a = new Rng(9).fillDropoutMask(new Float32Array(20001), 0.1);
  const b = new Rng(9).fillDropoutMask(new Float32Array(20001), 0.1);
  assert.deepEqual(a, b);
  assert.ok(a.every((v) => v === 0 || Math.abs(v - 1 / 0.9) < 1e-6));
  const dropped = a.filter((v) => v === 0).length / a.length;
  assert.ok(Math.abs(dropped - 0.1) < 0.01, `dropped ${dropped}`);
  assert.notDeepEqual(a, new Rng(10).fillDropoutMask(new Float32Array(20001), 0.1));
});
