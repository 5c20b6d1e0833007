import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatherRows } from '../../../server/core/graph/ops/gather';
import { fdCheck, note } from './fdCheck';

test('Gather rows (embedding lookup) with repeated indices accumulates into the table', async () => {
  const r = await fdCheck({
    dtype: 'float64',
    inputs: [
      { name: 'table', dtype: 'float64', shape: [6, 3] },
      { name: 'ids', dtype: 'int64', shape: [2, 4], values: [1, 3, 1, 0, 5, 3, 3, 2] },
    ],
    wrt: ['table'],
    build: (g, t) => gatherRows(g, t.table, t.ids),
  });
  note('Gather', r);
  assert.ok(r.maxError < 1e-7, `max error ${r.maxError}`);
});
