// The host AdamW split over worker threads: the same update bit for bit as on one thread, arrays
// moved (not copied) and handed back, and the engine's state intact across steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOptConfig } from '../../../server/core/model/config';
import type { OptModelSpec } from '../../../server/core/model/optSpec';
import { Rng } from '../../../server/core/model/random';
import { runJob, type UpdateJob } from '../../../server/core/optim/adamwHost';
import { AdamWThreads, balance, movable, sharedAdamWThreads } from '../../../server/core/optim/adamwThreads';
import { sumRows } from '../../../server/core/optim/sparseRows';
import { TrainingEngine } from '../../../server/core/runtime/engine';
import { classificationLoss } from '../../../server/core/runtime/losses';
import { randomParams } from '../../../bench/randomParams';
import { config as tinyConfig, feedsFor, sentences } from './tinyModel';

const hyper = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };

function jobs(seed: number): UpdateJob[] {
  const rng = new Rng(seed);
  const step = { lr: 1e-2, weightDecay: 0.01, step: 2, gradScale: 0.25 };
  const dense = (name: string, n: number): UpdateJob => ({
    name,
    p: rng.fillNormal(new Float32Array(n), 0.1),
    m: rng.fillNormal(new Float32Array(n), 0.01),
    v: new Float32Array(n).fill(1e-3),
    grad: { kind: 'dense', values: rng.fillNormal(new Float32Array(n), 1) },
    step,
  });
  const [rows, width] = [300, 8];
  const index = BigInt64Array.from({ length: 50 }, () => BigInt(Math.floor(rng.next() * rows)));
  const table: UpdateJob = {
    ...dense('table', rows * width),
    grad: { kind: 'rows', sums: sumRows([{ index, rows: rng.fillNormal(new Float32Array(50 * width), 1) }], rows, width) },
  };
  // Two parameters viewing one buffer cannot be moved (moving it would take the other along).
  const shared = rng.fillNormal(new Float32Array(200), 0.1);
  const viewA = { ...dense('viewA', 100), p: shared.subarray(0, 100) };
  const viewB = { ...dense('viewB', 100), p: shared.subarray(100) };
  return [dense('a', 5000), dense('b', 3000), table, dense('c', 17), viewA, viewB];
}

test('bins are balanced by size and unmovable jobs stay on this thread', () => {
  const js = jobs(1);
  assert.deepEqual(js.map(movable), [true, true, true, true, false, false]);
  const [here, away] = balance(js, 2);
  assert.ok(here.some((j) => j.name === 'viewA') && here.some((j) => j.name === 'viewB'));
  assert.equal(here.length + away.length, js.length);
  assert.ok(away.length > 0, 'something goes to the worker');
});

test('the update over two threads equals the one-thread update bit for bit; moved arrays come back as new views', async () => {
  const pool = new AdamWThreads(2, 0);
  try {
    const expected = jobs(2);
    for (const j of expected) runJob(j, hyper);
    const given = jobs(2);
    const out = await pool.run(given, hyper);
    assert.equal(pool.disabledBecause, undefined);
    let moved = 0;
    out.forEach((j, i) => {
      assert.equal(j.name, expected[i].name);
      assert.deepEqual(j.p, expected[i].p, `${j.name}: parameter`);
      assert.deepEqual(j.m, expected[i].m, `${j.name}: first moment`);
      assert.deepEqual(j.v, expected[i].v, `${j.name}: second moment`);
      if (!j.gradientHere) {
        moved++;
        assert.notEqual(j.p, given[i].p);
        assert.equal(given[i].p.length, 0, 'the old view is detached: nothing was copied');
      } else assert.equal(j.p, given[i].p, 'updated here, in place');
    });
    assert.ok(moved > 0, 'some jobs ran in the worker');
  } finally {
    await pool.dispose();
  }
});

test('an update that fails in a worker is reported as such', async () => {
  const pool = new AdamWThreads(2, 0);
  try {
    const bad: UpdateJob = { ...jobs(3)[0], name: 'bad', m: new Float32Array(7) };
    await assert.rejects(pool.run([bad, ...jobs(4).slice(0, 2)], hyper), /lengths differ/);
  } finally {
    await pool.dispose();
  }
});

test('an engine whose update runs on two threads trains exactly as on one (state handed back every step)', async () => {
  // A vocabulary large enough that the update crosses the parallel threshold (~13 MB of parameters).
  const config = parseOptConfig(
    {
      model_type: 'opt',
      vocab_size: 50272,
      hidden_size: tinyConfig.hiddenSize,
      word_embed_proj_dim: tinyConfig.hiddenSize,
      num_hidden_layers: tinyConfig.numLayers,
      num_attention_heads: tinyConfig.numHeads,
      ffn_dim: tinyConfig.ffnDim,
      max_position_embeddings: 64,
      do_layer_norm_before: true,
      pad_token_id: tinyConfig.padTokenId,
      dropout: 0,
      activation_function: 'relu',
    },
    'config.json',
  );
  const spec: OptModelSpec = { config, numLabels: 2 };
  const objective = { key: 'cls', trainable: () => true, loss: classificationLoss };
  const feeds = feedsFor(sentences(4, 10, 5), 10, [0, 1, 1, 0]);
  const train = async (threads: number) => {
    const engine = await TrainingEngine.create(spec, objective, 4, 10, { adamw: hyper, dropout: false, threads });
    const state = await engine.createState(randomParams(spec, 7));
    for (let step = 0; step < 3; step++) await engine.step(state, [feeds], 1e-3);
    return state.values(engine.transfer);
  };
  const one = await train(1);
  const two = await train(2);
  assert.equal(sharedAdamWThreads(2).disabledBecause, undefined);
  assert.ok(sharedAdamWThreads(2).started, 'the two-thread pool was used');
  for (const [n, p] of one) assert.deepEqual(two.get(n), p, n);
});
