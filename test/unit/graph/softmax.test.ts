import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logSoftmax, softmax } from '../../../server/core/graph/ops/softmax';
import { fdCheck, note } from './fdCheck';

for (const axis of [-1, 1]) {
  test(`Softmax over axis ${axis}`, async () => {
    const r = await fdCheck({
      dtype: 'float64',
      inputs: [{ name: 'x', dtype: 'float64', shape: [2, 3, 4] }],
      wrt: ['x'],
      build: (g, t) => softmax(g, t.x, axis),
    });
    note('Softmax', r);
    assert.ok(r.maxError < 1e-7, `max error ${r.maxError}`);
  });

  test(`LogSoftmax (composed, no LogSoftmax node) over axis ${axis}`, async () => {
    const r = await fdCheck({
      dtype: 'float64',
      inputs: [{ name: 'x', dtype: 'float64', shape: [2, 3, 4] }],
      wrt: ['x'],
      build: (g, t) => {
        const y = logSoftmax(g, t.x, axis);
        assert.ok(!g.nodes.some((n) => n.opType === 'LogSoftmax'), 'must not emit LogSoftmax (WebGPU lacks it)');
        return y;
      },
    });
    note('LogSoftmax', r);
    assert.ok(r.maxError < 1e-7, `max error ${r.maxError}`);
  });
}
