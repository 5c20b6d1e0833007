// Parity of AdamW and the linear warmup/decay schedule with torch.optim.AdamW +
// transformers.get_linear_schedule_with_warmup, over the whole trajectory: the JS reference and
// the in-graph update (the one compiled into every training step).
import { adamwInPlace } from '../../server/core/optim/adamwHost';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adamwStep, newSlot, type AdamWHyper } from '../../server/core/optim/adamw';
import { linearWarmupDecay } from '../../server/core/optim/schedule';
import { uniformGroups } from '../../server/core/optim/paramGroups';
import { createSession } from '../../server/core/runtime/session';
import { buildUpdateGraph, io } from '../../server/core/runtime/stepGraphs';
import { float32Tensor, floatData } from '../../server/core/runtime/tensors';
import { maxAbsDiff } from './compare';
import { adamwCases } from './referenceCases';

interface AdamWGolden {
  init: number[];
  grads: number[][];
  lr_used: number[];
  params_after_each_step: number[][];
  hyper: { lr: number; betas: [number, number]; eps: number; weight_decay: number; warmup_steps: number; total_steps: number };
}

// Parameters are float32 in both implementations; 1e-6 is a few float32 ulps at these magnitudes.
const PARAM_TOL = 1e-6;

const cases = adamwCases();
test('reference AdamW cases are discovered', () => {
  assert.ok(cases.length >= 1);
});

for (const { name, dir } of cases) {
  const gold = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as AdamWGolden;
  const h = gold.hyper;
  const hyper: AdamWHyper = { beta1: h.betas[0], beta2: h.betas[1], eps: h.eps, weightDecay: h.weight_decay };

  test(`${name}: learning-rate schedule`, () => {
    const lrs = gold.lr_used.map((_, step) => linearWarmupDecay(step, h.lr, h.warmup_steps, h.total_steps));
    const err = maxAbsDiff(lrs, gold.lr_used);
    console.log(`${name}: worst learning-rate error ${err.toExponential(2)}`);
    assert.ok(err < 1e-12, `lrs ${lrs} vs ${gold.lr_used}`);
  });

  test(`${name}: JS AdamW trajectory`, () => {
    const slot = newSlot(Float32Array.from(gold.init));
    let worst = 0;
    gold.grads.forEach((grad, k) => {
      adamwStep(slot, grad, gold.lr_used[k], k + 1, hyper);
      worst = Math.max(worst, maxAbsDiff(slot.param, gold.params_after_each_step[k]));
    });
    console.log(`${name}: worst JS AdamW parameter error ${worst.toExponential(2)}`);
    assert.ok(worst < PARAM_TOL, `trajectory off by ${worst}`);
  });

  test(`${name}: in-place host AdamW trajectory (the CPU engine's update)`, () => {
    const p = Float32Array.from(gold.init);
    const m = new Float32Array(p.length);
    const v = new Float32Array(p.length);
    let worst = 0;
    gold.grads.forEach((grad, k) => {
      adamwInPlace(p, m, v, Float32Array.from(grad), { lr: gold.lr_used[k], weightDecay: hyper.weightDecay, step: k + 1, gradScale: 1 }, hyper);
      worst = Math.max(worst, maxAbsDiff(p, gold.params_after_each_step[k]));
    });
    console.log(`${name}: worst host AdamW parameter error ${worst.toExponential(2)}`);
    assert.ok(worst < PARAM_TOL, `trajectory off by ${worst}`);
  });

  test(`${name}: in-graph AdamW trajectory (lr and step fed per step)`, async () => {
    const shape = [gold.init.length];
    const graph = buildUpdateGraph(new Map([['p', shape]]), ['p'], hyper, uniformGroups(hyper.weightDecay));
    const { session } = await createSession(graph.model);
    let p = float32Tensor(gold.init, shape);
    let m = float32Tensor(new Float32Array(shape[0]), shape);
    let v = float32Tensor(new Float32Array(shape[0]), shape);
    let worst = 0;
    for (let k = 0; k < gold.grads.length; k++) {
      const out = await session.run({
        p,
        [io.grad('p')]: float32Tensor(gold.grads[k], shape),
        [io.m('p')]: m,
        [io.v('p')]: v,
        [io.lr]: float32Tensor([linearWarmupDecay(k, h.lr, h.warmup_steps, h.total_steps)], []),
        [io.step]: float32Tensor([k + 1], []),
        [io.gradScale]: float32Tensor([1], []),
      });
      [p, m, v] = [out[io.updated('p')], out[io.updatedM('p')], out[io.updatedV('p')]] as typeof p[];
      worst = Math.max(worst, maxAbsDiff(floatData(p), gold.params_after_each_step[k]));
    }
    console.log(`${name}: worst in-graph AdamW parameter error ${worst.toExponential(2)}`);
    assert.ok(worst < PARAM_TOL, `trajectory off by ${worst}`);
  });
}
