import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gemm, matmul } from '../../../server/core/graph/ops/linear';
import { fdCheck, note } from './fdCheck';

const TOL = 1e-7;

test('MatMul: batched [2,3,4,5] @ [2,3,5,2]', async () => {
  const r = await fdCheck({
    dtype: 'float64',
    inputs: [
      { name: 'a', dtype: 'float64', shape: [2, 3, 4, 5] },
      { name: 'b', dtype: 'float64', shape: [2, 3, 5, 2] },
    ],
    wrt: ['a', 'b'],
    build: (g, t) => matmul(g, t.a, t.b),
  });
  note('MatMul', r);
  assert.ok(r.maxError < TOL, `max error ${r.maxError}`);
});

test('MatMul: rows [2,3,4] @ weight [4,3]', async () => {
  const r = await fdCheck({
    dtype: 'float64',
    inputs: [
      { name: 'a', dtype: 'float64', shape: [2, 3, 4] },
      { name: 'b', dtype: 'float64', shape: [4, 3] },
    ],
    wrt: ['a', 'b'],
    build: (g, t) => matmul(g, t.a, t.b),
  });
  note('MatMul', r);
  assert.ok(r.maxError < TOL, `max error ${r.maxError}`);
});

for (const transA of [false, true]) {
  for (const transB of [false, true]) {
    test(`Gemm transA=${transA} transB=${transB}, alpha 0.7, bias [N]`, async () => {
      const [m, k, n] = [3, 4, 2];
      const r = await fdCheck({
        dtype: 'float64',
        inputs: [
          { name: 'a', dtype: 'float64', shape: transA ? [k, m] : [m, k] },
          { name: 'b', dtype: 'float64', shape: transB ? [n, k] : [k, n] },
          { name: 'c', dtype: 'float64', shape: [n] },
        ],
        wrt: ['a', 'b', 'c'],
        build: (g, t) => gemm(g, t.a, t.b, t.c, { transA, transB, alpha: 0.7 }),
      });
      note('Gemm', r);
      assert.ok(r.maxError < TOL, `max error ${r.maxError}`);
    });
  }
}

test('Gemm with full [M,N] bias and beta 2', async () => {
  const r = await fdCheck({
    dtype: 'float64',
    inputs: [
      { name: 'a', dtype: 'float64', shape: [3, 4] },
      { name: 'b', dtype: 'float64', shape: [2, 4] },
      { name: 'c', dtype: 'float64', shape: [3, 2] },
    ],
    wrt: ['a', 'b', 'c'],
    build: (g, t) => gemm(g, t.a, t.b, t.c, { transB: true, beta: 2 }),
  });
  note('Gemm', r);
  assert.ok(r.maxError < TOL, `max error ${r.maxError}`);
});
