// Embedding gradients that leave the CPU step as rows (the batch's rows only) instead of a dense
// table: the per-row sums, AdamW from them, and the engine's whole step against the dense path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verbalizerLoss, verbalizerTrainFeeds } from '../../../server/core/methods/heads';
import type { OptModelSpec } from '../../../server/core/model/optSpec';
import { Rng } from '../../../server/core/model/random';
import type { AdamWHyper } from '../../../server/core/optim/adamw';
import { adamwInPlace, adamwRowsInPlace } from '../../../server/core/optim/adamwHost';
import { denseFromRows, sumRows, type GradientRows } from '../../../server/core/optim/sparseRows';
import { TrainingEngine } from '../../../server/core/runtime/engine';
import { config, feedsFor, loadParams, sentences } from './tinyModel';

const hyper: AdamWHyper = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };

function randomRows(rng: Rng, count: number, tableRows: number, width: number): GradientRows {
  // Few distinct rows, so most repeat (as a batch repeats tokens).
  const index = BigInt64Array.from({ length: count }, () => BigInt(Math.floor(rng.next() * Math.min(tableRows, 5)) * 3));
  return { index, rows: rng.fillNormal(new Float32Array(count * width), 1) };
}

test('rows summed per table row equal the dense scatter-add, and AdamW from them equals AdamW on the dense gradient', () => {
  const rng = new Rng(3);
  const [rows, width] = [20, 6];
  const parts = [randomRows(rng, 9, rows, width), randomRows(rng, 4, rows, width)];
  const dense = new Float32Array(rows * width);
  for (const { index, rows: r } of parts) index.forEach((row, i) => r.subarray(i * width, (i + 1) * width).forEach((x, j) => (dense[Number(row) * width + j] += x)));
  const sums = sumRows(parts, rows, width);
  assert.deepEqual(denseFromRows(sums), dense);
  assert.equal(sums.values.length, 5 * width, 'one slot per distinct row');

  const start = rng.fillNormal(new Float32Array(rows * width), 0.1);
  const a = { p: Float32Array.from(start), m: rng.fillNormal(new Float32Array(rows * width), 0.01), v: new Float32Array(rows * width).fill(1e-4) };
  const b = { p: Float32Array.from(a.p), m: Float32Array.from(a.m), v: Float32Array.from(a.v) };
  for (let step = 1; step <= 3; step++) {
    const s = { lr: 1e-2, weightDecay: 0.01, step, gradScale: 0.5 };
    adamwInPlace(a.p, a.m, a.v, dense, s, hyper);
    adamwRowsInPlace(b.p, b.m, b.v, sums, s, hyper);
  }
  assert.deepEqual(b.p, a.p, 'same arithmetic, bit for bit');
  assert.deepEqual(b.m, a.m);
  assert.deepEqual(b.v, a.v);
  assert.notDeepEqual(b.p.subarray(width, 2 * width), start.subarray(width, 2 * width), 'rows without gradient still move (decay, momentum)');
});

test('a row outside the table is refused, not written out of bounds', () => {
  assert.throws(() => sumRows([{ index: BigInt64Array.of(0n, 7n), rows: new Float32Array(4) }], 5, 2), /row 7 outside a table of 5 rows/);
  assert.throws(() => sumRows([{ index: BigInt64Array.of(0n), rows: new Float32Array(3) }], 5, 2), /3 values for 1 rows of width 2/);
});

test('PBFT on the tied embedding: the rows step (CPU) equals the dense in-graph update, micro-batches included', async () => {
  // The token table is read twice (input lookup, verbalizer rows of the LM head), positions once.
  const spec: OptModelSpec = { config };
  const objective = { key: 'pbft-rows', trainable: () => true, loss: (v: Parameters<typeof verbalizerLoss>[0]) => verbalizerLoss(v, 2, 'verbalizers') };
  const SEQ = 10;
  const seqs = sentences(4, SEQ, 9);
  const labels = [0, 1, 1, 0];
  const feeds = (from: number, to: number) => ({
    ...feedsFor(seqs.slice(from, to), SEQ),
    ...verbalizerTrainFeeds(labels.slice(from, to).map((label) => ({ label }) as never), [40, 77], 'verbalizers'),
  });
  const host = await TrainingEngine.create(spec, objective, 2, SEQ, { adamw: hyper, dropout: false });
  const graph = await TrainingEngine.create(spec, objective, 2, SEQ, { adamw: hyper, dropout: false, update: 'graph' });
  const a = await host.createState(loadParams(spec));
  const b = await graph.createState(loadParams(spec));
  const { fromRows } = await host.gradients(a, feeds(0, 2));
  assert.deepEqual(fromRows.sort(), ['model.decoder.embed_positions.weight', 'model.decoder.embed_tokens.weight']);
  for (let step = 0; step < 2; step++) {
    const ra = await host.step(a, [feeds(0, 2), feeds(2, 4)], 1e-3);
    const rb = await graph.step(b, [feeds(0, 2), feeds(2, 4)], 1e-3);
    assert.ok(Math.abs(ra.loss - rb.loss) < 1e-5, `loss ${ra.loss} vs ${rb.loss}`);
  }
  const pa = await a.values(host.transfer);
  const pb = await b.values(graph.transfer);
  for (const name of fromRows) {
    const [p, q] = [pa.get(name)!, pb.get(name)!];
    let worst = 0;
    for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(p[i] - q[i]) / 1e-3);
    assert.ok(worst < 1e-2, `${name}: rows and dense updates differ by ${worst} learning rates`);
  }
  const width = config.wordEmbedProjDim;
  const verbalizerRow = pa.get('model.decoder.embed_tokens.weight')!.subarray(40 * width, 41 * width);
  const initial = loadParams(spec).get('model.decoder.embed_tokens.weight')!.subarray(40 * width, 41 * width);
  assert.notDeepEqual(verbalizerRow, initial, 'the verbalizer row was trained');
});
