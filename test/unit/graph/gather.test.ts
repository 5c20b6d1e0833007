import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradients } from '../../../server/core/graph/autodiff';
import { GraphBuilder, type Tensor } from '../../../server/core/graph/builder';
import { add, mul } from '../../../server/core/graph/ops/arithmetic';
import { gatherRows } from '../../../server/core/graph/ops/gather';
import { reduceSum } from '../../../server/core/graph/ops/reduce';
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

// PBFT's tied embedding: the input lookup and the verbalizer rows of the LM head read one table.
const twoReads = (g: GraphBuilder, t: Record<string, Tensor>): Tensor =>
  add(g, reduceSum(g, gatherRows(g, t.table, t.ids), [0], false), gatherRows(g, t.table, t.rows));

test('a table read by two Gathers (and a dense use) gets the sum of all three contributions', async () => {
  const inputs = [
    { name: 'table', dtype: 'float64' as const, shape: [6, 3] },
    { name: 'ids', dtype: 'int64' as const, shape: [4], values: [1, 3, 1, 5] },
    { name: 'rows', dtype: 'int64' as const, shape: [4], values: [3, 0, 3, 2] },
  ];
  const sparse = await fdCheck({ dtype: 'float64', inputs, wrt: ['table'], build: twoReads });
  note('Gather ×2', sparse);
  assert.ok(sparse.maxError < 1e-7, `max error ${sparse.maxError}`);
  // plus a dense contribution (table·tableᵀ-like use through Mul), summed before the rows are added
  const mixed = await fdCheck({
    dtype: 'float64',
    inputs,
    wrt: ['table'],
    build: (g, t) => add(g, twoReads(g, t), reduceSum(g, mul(g, t.table, t.table), [0], false)),
  });
  note('Gather ×2 + dense', mixed);
  assert.ok(mixed.maxError < 1e-7, `max error ${mixed.maxError}`);
});

test('two Gathers of one table: the rows are scattered into one buffer, not two dense tables and an Add', () => {
  const g = new GraphBuilder();
  const t = {
    table: g.input('table', 'float32', [50, 4]),
    ids: g.input('ids', 'int64', [3]),
    rows: g.input('rows', 'int64', [2]),
  };
  const loss = reduceSum(g, twoReads(g, t), [0, 1], false);
  const [grad] = gradients(g, loss, [t.table]);
  g.output(grad, 'grad/table');
  const live = g.liveNodes();
  assert.equal(live.filter((n) => n.opType === 'ScatterND').length, 2, 'one ScatterND per Gather, chained');
  const producer = (name: string) => live.find((n) => n.outputs.includes(name));
  const last = producer(grad.name)!;
  assert.equal(last.opType, 'ScatterND');
  const first = producer(last.inputs[0])!;
  assert.equal(first.opType, 'ScatterND', 'the second scatter adds into the first');
  assert.equal(producer(first.inputs[0])?.opType, 'Expand', 'the first adds into the one zero table');
  const scatterOutputs = new Set(live.filter((n) => n.opType === 'ScatterND').flatMap((n) => n.outputs));
  assert.ok(!live.some((n) => n.opType === 'Add' && n.inputs.some((i) => scatterOutputs.has(i))), 'no dense Add of scattered tables');
  assert.ok(g.nodes.length > live.length, 'the orphaned scatter into zeros is pruned from the model');
});
