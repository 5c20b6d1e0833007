// Each method's loss and readout on the reference fixture batch, with checks that fail if a method
// silently turns into another (PBFT without verbalizer scoring, LoRA that trains base weights,
// adaptive whose layer rates do not take effect, distillation whose teacher sees no context).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { DEFAULT_METHOD_OPTIONS } from '../../../protocol/experiment';
import { prepareMethod, type MethodContext, type PreparedMethod, type TrainingRow } from '../../../server/core/methods';
import { temperedDistribution } from '../../../server/core/methods/distill';
import { readOptConfig } from '../../../server/core/model/config';
import { optParameterShapes, paramsFromTensors, SCORE, type ParamValues } from '../../../server/core/model/optParams';
import { Rng } from '../../../server/core/model/random';
import { readSafetensors } from '../../../server/core/model/weights/safetensors';
import { TrainingEngine } from '../../../server/core/runtime/engine';
import { Evaluator, paramTensors } from '../../../server/core/runtime/evaluator';
import { floatData } from '../../../server/core/runtime/tensors';
import { decoderInputs } from '../../../server/core/train/batching';
import { repoRoot } from './tinyModel';

const caseDir = join(repoRoot, 'test/fixtures/reference/tiny-opt-prenorm');
const golden = readSafetensors(join(caseDir, 'golden.safetensors'));
const B = 3;
const T = 12;
const ids = Array.from(golden.get('input_ids')!.data as BigInt64Array, Number);
const mask = Array.from(golden.get('attention_mask')!.data as BigInt64Array, Number);
const labels = Array.from(golden.get('cls.labels')!.data as BigInt64Array, Number);
const sequences = [0, 1, 2].map((b) => ids.slice(b * T, b * T + T).filter((_, j) => mask[b * T + j] === 1));
const rows: TrainingRow[] = sequences.map((tokens, i) => ({ tokens, label: labels[i] }));
const VERBALIZERS = [356, 310]; // two token ids of the tiny vocabulary

async function setup(): Promise<{ ctx: MethodContext; base: ParamValues }> {
  const config = await readOptConfig(join(caseDir, 'config.json'));
  const base = paramsFromTensors(readSafetensors(join(caseDir, 'model.safetensors')) as never, optParameterShapes(config), 'fixture');
  const never = (): never => {
    throw new Error('not used');
  };
  return { ctx: { config, numLabels: 2, verbalizerIds: VERBALIZERS, encodePattern: never, encodePlain: never, weightDecay: 0 }, base };
}

function batchFeeds(m: PreparedMethod, trainRows: TrainingRow[] = rows): Record<string, ort.Tensor> {
  return { ...decoderInputs(trainRows.map((r) => r.tokens), T, 1), ...m.trainFeeds(trainRows) };
}

async function lossOf(m: PreparedMethod, params: ParamValues, trainRows?: TrainingRow[]): Promise<number> {
  const engine = await TrainingEngine.create(m.spec, m.objective, B, T, { dropout: false });
  const state = await engine.createState(new Map(params));
  return (await engine.gradients(state, batchFeeds(m, trainRows))).loss;
}

/** The golden LM logits of sequence b at its last real token, restricted to `tokenIds`. */
function goldenVerbalizerLogits(b: number, tokenIds: number[]): number[] {
  const logits = golden.get('lm.logits')!.data as Float32Array;
  const last = sequences[b].length - 1;
  return tokenIds.map((id) => logits[(b * T + last) * 512 + id]);
}

function ce(z: number[], label: number): number {
  const max = Math.max(...z);
  const lse = max + Math.log(z.reduce((s, x) => s + Math.exp(x - max), 0));
  return lse - z[label];
}

test('vanilla: the classification loss is Hugging Face OPTForSequenceClassification\'s', async () => {
  const { ctx, base } = await setup();
  const m = prepareMethod('vanilla', ctx, DEFAULT_METHOD_OPTIONS);
  const params = m.initialParams(base, new Rng(0));
  params.set(SCORE, golden.get('cls.score.weight')!.data as Float32Array);
  assert.ok(Math.abs((await lossOf(m, params)) - 1.3324037790298462) < 1e-4);
});

test('pbft: the loss is cross-entropy over the verbalizer logits at the last token', async () => {
  const { ctx, base } = await setup();
  const m = prepareMethod('pbft', ctx, DEFAULT_METHOD_OPTIONS);
  const expected = [0, 1, 2].reduce((s, b) => s + ce(goldenVerbalizerLogits(b, VERBALIZERS), labels[b]), 0) / 3;
  assert.ok(Math.abs((await lossOf(m, base)) - expected) < 1e-4, 'verbalizer loss');
  // llmft's full-vocabulary variant scores the gold verbalizer against all 512 tokens.
  const full = prepareMethod('pbft', ctx, { ...DEFAULT_METHOD_OPTIONS, pbft: { loss: 'full-vocab' } });
  const all = Array.from({ length: 512 }, (_, i) => i);
  const expectedFull = [0, 1, 2].reduce((s, b) => s + ce(goldenVerbalizerLogits(b, all), VERBALIZERS[labels[b]]), 0) / 3;
  assert.ok(Math.abs((await lossOf(full, base)) - expectedFull) < 1e-4, 'full-vocabulary loss');
  assert.ok(Math.abs(expected - expectedFull) > 1e-2, 'the two losses differ on this batch');
  // Readout: the verbalizer logits themselves.
  const ev = await Evaluator.create(m.evalSpec, m.readout, B, T);
  const scores = floatData((await ev.run(paramTensors(m.evalSpec, base), { ...decoderInputs(sequences, T, 1), ...m.evalFeeds(B) })).scores);
  for (let b = 0; b < 3; b++) goldenVerbalizerLogits(b, VERBALIZERS).forEach((z, k) => assert.ok(Math.abs(scores[b * 2 + k] - z) < 1e-4));
});

async function oneStep(m: PreparedMethod, params: ParamValues, lr: number): Promise<ParamValues> {
  const engine = await TrainingEngine.create(m.spec, m.objective, B, T, { dropout: false, adamw: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 } });
  const state = await engine.createState(new Map(params));
  await engine.step(state, [batchFeeds(m)], lr);
  return state.values(engine.transfer);
}

function medianAbsDelta(a: Float32Array, b: Float32Array): number {
  const d = Array.from(a, (x, i) => Math.abs(x - b[i])).sort((x, y) => x - y);
  return d[Math.floor(d.length / 2)];
}

test('adaptive: frozen layers and embeddings stay put; each layer steps at lr · decay^(L−1−i)', async () => {
  const { ctx, base } = await setup();
  const lr = 1e-3;
  const opts = { ...DEFAULT_METHOD_OPTIONS, adaptive: { frozenLayers: 0, freezeEmbeddings: true, lrDecay: 0.5, head: 'cls' as const } };
  const m = prepareMethod('adaptive', ctx, opts);
  const before = m.initialParams(base, new Rng(0));
  const after = await oneStep(m, before, lr);
  const w = (i: number) => `model.decoder.layers.${i}.fc1.weight`;
  // AdamW's first step moves each weight by lr·scale·g/(|g|+eps) ≈ lr·scale.
  assert.ok(Math.abs(medianAbsDelta(after.get(w(1))!, before.get(w(1))!) / lr - 1) < 0.05, 'top layer at the base rate');
  assert.ok(Math.abs(medianAbsDelta(after.get(w(0))!, before.get(w(0))!) / lr - 0.5) < 0.03, 'layer 0 at half the rate');
  assert.deepEqual(after.get('model.decoder.embed_tokens.weight'), before.get('model.decoder.embed_tokens.weight'));
  const frozen = prepareMethod('adaptive', ctx, { ...opts, adaptive: { ...opts.adaptive, frozenLayers: 1 } });
  const afterFrozen = await oneStep(frozen, before, lr);
  assert.deepEqual(afterFrozen.get(w(0)), before.get(w(0)), 'layer 0 frozen');
  assert.notDeepEqual(afterFrozen.get(w(1)), before.get(w(1)));
});

test('lora: only the adapters train, B starts at zero, and merged evaluation equals the adapter forward', async () => {
  const { ctx, base } = await setup();
  const m = prepareMethod('lora', ctx, DEFAULT_METHOD_OPTIONS);
  const before = m.initialParams(base, new Rng(3));
  const bName = 'model.decoder.layers.0.self_attn.q_proj.lora_B.default.weight';
  assert.ok(before.get(bName)!.every((x) => x === 0));
  const after = await oneStep(m, before, 1e-2);
  for (const name of base.keys()) assert.deepEqual(after.get(name), before.get(name), `${name} must stay frozen`);
  assert.ok(after.get(bName)!.some((x) => x !== 0), 'B trained');
  // Adapter forward vs merged weights.
  const feeds = { ...decoderInputs(sequences, T, 1), ...m.evalFeeds(B) };
  const withAdapters = await Evaluator.create(m.spec, m.readout, B, T);
  const merged = await Evaluator.create(m.evalSpec, m.readout, B, T);
  const a = floatData((await withAdapters.run(paramTensors(m.spec, after), feeds)).scores);
  const b = floatData((await merged.run(paramTensors(m.evalSpec, m.evalParams(after)), feeds)).scores);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-4));
  const unchanged = floatData((await merged.run(paramTensors(m.evalSpec, base), feeds)).scores);
  assert.ok(a.some((x, i) => Math.abs(x - unchanged[i]) > 1e-6), 'the adapters changed the output');
});

test('distill: α·T²·KL(teacher‖student) + (1−α)·CE, zero KL when the teacher agrees with the student', async () => {
  const { ctx, base } = await setup();
  const T_ = 2;
  const withTeacher = (teacher: number[][]) =>
    rows.map((r, b) => {
      const { probs, logProbs } = temperedDistribution(teacher[b], T_);
      return { ...r, teacherProbs: probs, teacherLogProbs: logProbs };
    });
  const student = [0, 1, 2].map((b) => goldenVerbalizerLogits(b, VERBALIZERS));
  const pure = prepareMethod('distill', ctx, { ...DEFAULT_METHOD_OPTIONS, distill: { context: 'demonstrations', k: 1, alpha: 1, temperature: T_ } });
  assert.ok(Math.abs(await lossOf(pure, base, withTeacher(student))) < 1e-5, 'same distribution: KL = 0');
  const teacher = [[3, -1], [0, 2], [-2, 1]];
  const kl = (p: number[], q: number[]) => {
    const P = temperedDistribution(p, T_);
    const Q = temperedDistribution(q, T_);
    return Array.from(P.probs).reduce((s, x, k) => s + x * (P.logProbs[k] - Q.logProbs[k]), 0);
  };
  const alpha = 0.3;
  const mixed = prepareMethod('distill', ctx, { ...DEFAULT_METHOD_OPTIONS, distill: { context: 'demonstrations', k: 1, alpha, temperature: T_ } });
  const expected = [0, 1, 2].reduce((s, b) => s + alpha * T_ * T_ * kl(teacher[b], student[b]) + (1 - alpha) * ce(student[b], labels[b]), 0) / 3;
  assert.ok(Math.abs((await lossOf(mixed, base, withTeacher(teacher))) - expected) < 1e-4);
});
