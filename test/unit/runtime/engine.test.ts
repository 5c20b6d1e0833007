import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adamwStep, type AdamWHyper } from '../../../server/core/optim/adamw';
import type { OptModelSpec } from '../../../server/core/model/optSpec';
import { TrainingEngine } from '../../../server/core/runtime/engine';
import { causalLmLoss, classificationLoss } from '../../../server/core/runtime/losses';
import { config, feedsFor, loadParams, sentences } from './tinyModel';

const SEQ = 10;
const hyper: AdamWHyper = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
const lmSpec: OptModelSpec = { config };
const lmObjective = { key: 'lm', trainable: () => true, loss: causalLmLoss };

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return m / Math.max(scale, 1e-12);
}

test('the fused step equals gradients + torch-style AdamW applied in JS', async () => {
  const feeds = feedsFor(sentences(4, SEQ, 1), SEQ);
  const engine = await TrainingEngine.create(lmSpec, lmObjective, 4, SEQ, { adamw: hyper, dropout: false });
  assert.equal(engine.provider, 'cpu');

  const reference = await engine.createState(loadParams(lmSpec));
  const { grads, count } = await engine.gradients(reference, feeds);
  const fusedState = await engine.createState(loadParams(lmSpec));
  const result = await engine.step(fusedState, [feeds], 1e-3);
  assert.equal(fusedState.step, 1);
  assert.equal(result.count, count);

  let worst = 0;
  const after = await fusedState.values(engine.transfer);
  const before = loadParams(lmSpec);
  for (const [n, p] of before) {
    const slot = { param: p, m: new Float32Array(p.length), v: new Float32Array(p.length) };
    adamwStep(slot, grads.get(n)!.map((g) => g / count), 1e-3, 1, hyper);
    worst = Math.max(worst, maxRelDiff(after.get(n)!, slot.param));
  }
  assert.ok(worst < 1e-5, `fused update differs from the JS reference by ${worst}`);
});

test('the in-graph update (one graph: forward, backward and AdamW) equals the host update', async () => {
  const seqs = sentences(4, SEQ, 4);
  const host = await TrainingEngine.create(lmSpec, lmObjective, 4, SEQ, { adamw: hyper, dropout: false });
  const graph = await TrainingEngine.create(lmSpec, lmObjective, 4, SEQ, { adamw: hyper, dropout: false, update: 'graph' });
  assert.equal(host.updatesInGraph, false);
  assert.equal(graph.updatesInGraph, true);
  const a = await host.createState(loadParams(lmSpec));
  const b = await graph.createState(loadParams(lmSpec));
  for (let step = 0; step < 2; step++) {
    const ra = await host.step(a, [feedsFor(seqs, SEQ)], 1e-3);
    const rb = await graph.step(b, [feedsFor(seqs, SEQ)], 1e-3);
    assert.ok(Math.abs(ra.loss - rb.loss) < 1e-5, `loss ${ra.loss} vs ${rb.loss}`);
  }
  const pa = await a.values(host.transfer);
  const pb = await b.values(graph.transfer);
  let worst = 0;
  for (const [n, p] of pa) {
    if (n.endsWith('k_proj.bias')) continue; // exactly-zero gradient: Adam amplifies rounding noise
    const q = pb.get(n)!;
    for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(p[i] - q[i]) / 1e-3);
  }
  assert.ok(worst < 1e-2, `host and in-graph updates differ by ${worst} learning rates`);
});

test('a batch split into micro-batches gives the same update as the whole batch', async () => {
  const seqs = sentences(4, SEQ, 2);
  const whole = await TrainingEngine.create(lmSpec, lmObjective, 4, SEQ, { adamw: hyper, dropout: false });
  const micro = await TrainingEngine.create(lmSpec, lmObjective, 2, SEQ, { adamw: hyper, dropout: false });
  const a = await whole.createState(loadParams(lmSpec));
  const b = await micro.createState(loadParams(lmSpec));
  for (let step = 0; step < 2; step++) {
    const ra = await whole.step(a, [feedsFor(seqs, SEQ)], 1e-3);
    const rb = await micro.step(b, [feedsFor(seqs.slice(0, 2), SEQ), feedsFor(seqs.slice(2), SEQ)], 1e-3);
    assert.equal(ra.count, rb.count);
    assert.ok(Math.abs(ra.loss - rb.loss) < 1e-5, `loss ${ra.loss} vs ${rb.loss}`);
  }
  const pa = await a.values(whole.transfer);
  const pb = await b.values(micro.transfer);
  // Gradients agree to float32 rounding; Adam divides by √v, which magnifies rounding in elements
  // with tiny gradients, so parameters are compared in units of the learning rate.
  let worst = 0;
  let worstName = '';
  for (const [n, p] of pa) {
    // k_proj.bias has an exactly-zero gradient (softmax ignores a per-query constant): Adam scales
    // its rounding noise up to ±lr, with a sign that depends on summation order.
    if (n.endsWith('k_proj.bias')) continue;
    const q = pb.get(n)!;
    for (let i = 0; i < p.length; i++) {
      const d = Math.abs(p[i] - q[i]) / 1e-3;
      if (d > worst) [worst, worstName] = [d, n];
    }
  }
  console.log(`micro-batches vs whole batch: worst parameter difference ${worst.toExponential(2)} learning rates (${worstName})`);
  assert.ok(worst < 1e-2, `micro-batched parameters differ by ${worst} learning rates (${worstName})`);
});

test('dropout masks come from the seed: same seed, same step; other seed, other step', async () => {
  const feeds = feedsFor(sentences(2, SEQ, 3), SEQ);
  const run = async (seed: number) => {
    const e = await TrainingEngine.create(lmSpec, lmObjective, 2, SEQ, { adamw: hyper, seed });
    return (await e.step(await e.createState(loadParams(lmSpec)), [feeds], 1e-3)).loss;
  };
  const [a, b, c] = [await run(7), await run(7), await run(8)];
  assert.equal(a, b);
  assert.notEqual(a, c);
  const noDropout = await TrainingEngine.create(lmSpec, lmObjective, 2, SEQ, { adamw: hyper, dropout: false });
  const clean = (await noDropout.step(await noDropout.createState(loadParams(lmSpec)), [feeds], 1e-3)).loss;
  assert.notEqual(a, clean);
});

test('frozen parameters get no backward work and do not change (LoRA)', async () => {
  const spec: OptModelSpec = { config, lora: { r: 2, alpha: 4, dropout: 0.1, targetModules: ['q_proj', 'v_proj'] } };
  const isAdapter = (n: string) => n.includes('.lora_');
  const engine = await TrainingEngine.create(spec, { key: 'lora', trainable: isAdapter, loss: causalLmLoss }, 2, SEQ, { adamw: hyper, seed: 1 });
  assert.equal(engine.trainable.length, 8);
  const state = await engine.createState(loadParams(spec));
  const base = loadParams(spec);
  await engine.step(state, [feedsFor(sentences(2, SEQ, 4), SEQ)], 1e-2);
  const after = await state.values(engine.transfer);
  for (const [n, p] of base) {
    const changed = p.some((x, i) => x !== after.get(n)![i]);
    if (n.includes('lora_B')) assert.ok(changed, `${n} should train`);
    else if (!isAdapter(n)) assert.ok(!changed, `${n} is frozen but changed`);
  }
});

test('per-group learning rates take effect (layer-wise decay)', async () => {
  const spec: OptModelSpec = { config, numLabels: 2 };
  const scaleOf = (n: string) => (n.includes('layers.0.') ? 0.25 : n.includes('layers.1.') ? 0.5 : 1);
  const objective = { key: 'cls-lld', trainable: () => true, loss: classificationLoss, group: (n: string) => ({ lrScale: scaleOf(n), weightDecay: 0 }) };
  const engine = await TrainingEngine.create(spec, objective, 2, SEQ, { adamw: hyper, dropout: false });
  const state = await engine.createState(loadParams(spec));
  const lr = 1e-3;
  await engine.step(state, [feedsFor(sentences(2, SEQ, 5), SEQ, [0, 1])], lr);
  const after = await state.values(engine.transfer);
  const before = loadParams(spec);
  // Adam's first update is lr·g/(|g| + eps) ≈ ±lr for every element with |g| ≫ eps.
  for (const n of ['model.decoder.layers.0.fc1.weight', 'model.decoder.layers.1.fc1.weight', 'score.weight']) {
    const deltas = before.get(n)!.map((x, i) => Math.abs(after.get(n)![i] - x) / lr).sort();
    const median = deltas[deltas.length >> 1];
    assert.ok(Math.abs(median - scaleOf(n)) < 0.01 * scaleOf(n), `${n}: effective lr scale ${median}, expected ${scaleOf(n)}`);
  }
});

test('an engine asked for a GPU it cannot start trains on the cpu and says why', async () => {
  const engine = await TrainingEngine.create(lmSpec, lmObjective, 2, SEQ, { provider: 'webgpu', adamw: hyper, dropout: false });
  if (engine.provider === 'webgpu') return; // a machine with a working GPU adapter
  assert.equal(engine.provider, 'cpu');
  assert.equal(engine.resident, false);
  assert.match(engine.fallbacks.join('\n'), /WebGPU could not start/);
  const state = await engine.createState(loadParams(lmSpec));
  const r = await engine.step(state, [feedsFor(sentences(2, SEQ, 6), SEQ)], 1e-3);
  assert.ok(Number.isFinite(r.loss));
});
