import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, div, mul, neg, sub } from '../../../server/core/graph/ops/arithmetic';
import { fdCheck, note } from './fdCheck';

const ops = { Add: add, Sub: sub, Mul: mul, Div: div };

// Shapes that exercise broadcasting on either side, including a missing leading axis.
const shapePairs: [number[], number[]][] = [
  [[2, 3], [2, 3]],
  [[2, 3, 4], [4]],
  [[2, 1, 4], [3, 1]],
  [[1], [2, 3]],
];

for (const [family, op] of Object.entries(ops)) {
  for (const [sa, sb] of shapePairs) {
    test(`${family}: [${sa}] with [${sb}] broadcast`, async () => {
      const r = await fdCheck({
        dtype: 'float64',
        inputs: [
          { name: 'a', dtype: 'float64', shape: sa },
          // keep divisors away from zero
          { name: 'b', dtype: 'float64', shape: sb, positive: family === 'Div' },
        ],
        wrt: ['a', 'b'],
        build: (g, t) => op(g, t.a, t.b),
      });
      note(family, r);
      assert.ok(r.maxError < 1e-7, `max error ${r.maxError}`);
    });
  }
}

test('Neg', async () => {
  const r = await fdCheck({
    dtype: 'float64',
    inputs: [{ name: 'a', dtype: 'float64', shape: [3, 2] }],
    wrt: ['a'],
    build: (g, t) => neg(g, t.a),
  });
  note('Neg', r);
  assert.ok(r.maxError < 1e-7);
});

test('a tensor used twice accumulates both contributions (x * x)', async () => {
  const r = await fdCheck({
    dtype: 'float64',
    inputs: [{ name: 'a', dtype: 'float64', shape: [4] }],
    wrt: ['a'],
    build: (g, t) => mul(g, t.a, t.a),
  });
  note('Mul', r);
  assert.ok(r.maxError < 1e-7);
});
