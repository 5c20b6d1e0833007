// Every method end to end through the trial function the trainer runs: real model files, real
// tokenizer, shipped CoLA, onnxruntime on the CPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { METHOD_IDS, type MethodId } from '../../../protocol/results';
import { runTrial } from '../../../server/core/train/trial';
import type { TrialHooks, TrialInput } from '../../../server/runner/trialContract';
import { repoRoot, tinyModelDir, tinySpec } from './tinyModel';

const dir = tinyModelDir();
const spec = tinySpec(dir);

function input(method: MethodId, dataSeed = 0): TrialInput {
  return {
    key: `t-${method}`,
    config: { model: spec.models[0].name, task: 'cola', method, n: 2, dataSeed, modelSeed: 0 },
    spec,
    model: spec.models[0],
    dataRoot: join(repoRoot, 'data'),
    hub: { offline: true },
    provider: 'cpu',
    threads: 1,
  };
}

function hooks(steps: number[]): TrialHooks {
  return {
    onStep: async (p) => {
      steps.push(p.loss);
    },
    onPhase: () => {},
    signal: new AbortController().signal,
  };
}

for (const method of METHOD_IDS) {
  test(`${method}: trains (or prompts) and evaluates on both CoLA eval sets`, async () => {
    const losses: number[] = [];
    const r = await runTrial(input(method), hooks(losses));
    assert.deepEqual(Object.keys(r.metrics).sort(), ['cola-in-domain-dev', 'cola-ood-dev']);
    for (const m of Object.values(r.metrics)) {
      assert.equal(m.count, 24);
      assert.ok(m.accuracy >= 0 && m.accuracy <= 1);
      assert.ok(m.majority > 0.5, 'CoLA dev is mostly acceptable');
    }
    assert.equal(r.provider, 'cpu');
    assert.ok(r.peakMemoryBytes > 0);
    if (method === 'icl') {
      assert.equal(r.trainableParams, 0);
      assert.equal(r.trainLoss.length, 0);
      assert.equal(losses.length, 0);
    } else {
      // 4 examples, batch 4, 2 epochs: 2 steps, 2 epoch means.
      assert.equal(losses.length, 2);
      assert.equal(r.trainLoss.length, 2);
      assert.ok(r.trainLoss.every(Number.isFinite));
      assert.ok(r.trainableParams > 0);
    }
  });
}

test('trainable parameter counts tell the methods apart', async () => {
  const counts: Partial<Record<MethodId, number>> = {};
  for (const method of ['vanilla', 'pbft', 'adaptive', 'lora'] as const) counts[method] = (await runTrial(input(method), hooks([]))).trainableParams;
  // tiny model: 104,064 weights, the tied head counted once (PEFT's all_params for the LoRA
  // fixture, 106,112, less its 2,048 adapter weights); the score head adds 2×64.
  assert.equal(counts.pbft, 104064);
  assert.equal(counts.vanilla, counts.pbft! + 2 * 64);
  assert.ok(counts.adaptive! < counts.vanilla!, 'adaptive freezes the embeddings');
  // LoRA r=8 on q and v of 2 layers: 2 × 2 × (8×64 + 64×8) adapters, plus nothing else (LM head).
  assert.equal(counts.lora, 2 * 2 * (8 * 64 + 64 * 8));
});

test('a verbalizer that is not one token is a clear error', async () => {
  const bad = tinySpec(dir);
  bad.patterns.cola = { ...bad.patterns.cola, verbalizers: { unacceptable: ' zzzqqq', acceptable: ' the' } };
  await assert.rejects(runTrial({ ...input('pbft'), spec: bad }, hooks([])), /verbalizer " zzzqqq" of label "unacceptable" is not one token/);
});
