// A test double for the per-trial training function, loaded by the trainer through
// FTLAB_TEST_TRIAL_MODULE (see server/trainer/loadTrialFunction.ts). It does real work the way a
// trial does — every step blocks the event loop for stepMs, as onnxruntime's session.run does —
// and it can be told, per trial, to crash natively (process.abort), produce a NaN loss, throw, or
// run onnxruntime out of memory for real. Never shipped as a method; only orchestration tests
// use it. The script comes from FTLAB_TEST_TRIAL_SCRIPT (JSON).

import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import type { TrialConfig } from '../../../../protocol/results';
import type { TrialFunction, TrialResult } from '../../../../server/runner/trialContract';

export interface TrialRule {
  /** Every given field must equal the trial's config. */
  match: Partial<TrialConfig>;
  /** The step at which the action happens (after the step's work, before reporting it). */
  at: number;
  action: 'abort' | 'nan' | 'throw' | 'ort-oom';
  /** A marker file: the rule fires only while it does not exist, and creates it when it fires. */
  once?: string;
}

export interface TrialScript {
  epochs: number;
  stepsPerEpoch: number;
  /** Milliseconds each step blocks the thread. */
  stepMs: number;
  rules?: TrialRule[];
  /** Appends `<pid> start|step|done <key> [step]` lines here, so tests see what ran where. */
  logFile?: string;
}

export const SCRIPT_ENV = 'FTLAB_TEST_TRIAL_SCRIPT';

function script(): TrialScript {
  const text = process.env[SCRIPT_ENV];
  if (!text) throw new Error(`${SCRIPT_ENV} is not set`);
  return JSON.parse(text) as TrialScript;
}

/** Blocks the thread like a native call does: no timers, no IPC, until it returns. */
function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function matches(rule: TrialRule, config: TrialConfig): boolean {
  return Object.entries(rule.match).every(([k, v]) => config[k as keyof TrialConfig] === v);
}

/** Asks onnxruntime for 4 TiB: a real allocation failure with onnxruntime's own message. */
async function ortOutOfMemory(): Promise<never> {
  const ort = await import('onnxruntime-node');
  const { encodeModel } = await import('../../../../server/core/graph/onnxModel');
  const model = encodeModel({
    name: 'too-big',
    opset: 17,
    initializers: [],
    inputs: [{ name: 'shape', dtype: 'int64', shape: [2] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [1 << 20, 1 << 20] }],
    nodes: [{ opType: 'ConstantOfShape', inputs: ['shape'], outputs: ['y'], name: 'huge_fill', attrs: {} }],
  });
  const session = await ort.InferenceSession.create(model);
  await session.run({ shape: new ort.Tensor('int64', BigInt64Array.from([1n << 20n, 1n << 20n]), [2]) });
  throw new Error('onnxruntime allocated 4 TiB; the out-of-memory test cannot work here');
}

/** Deterministic metrics from the config, so report tests can predict them. */
export function scriptedAccuracy(config: TrialConfig, evalSet: 'id' | 'ood'): number {
  const base = evalSet === 'id' ? 0.5 : 0.45;
  return base + config.n / 100 + config.dataSeed / 1000;
}

export const runTrial: TrialFunction = async (input, hooks) => {
  const s = script();
  const log = (line: string) => s.logFile && appendFileSync(s.logFile, `${process.pid} ${line}\n`);
  const rules = (s.rules ?? []).filter((r) => matches(r, input.config) && !(r.once && existsSync(r.once)));
  log(`start ${input.key}`);
  hooks.onPhase('load');
  hooks.onPhase('train');
  const steps = s.epochs * s.stepsPerEpoch;
  const trainLoss: number[] = [];
  for (let step = 1; step <= steps; step++) {
    blockFor(s.stepMs);
    let loss = 1 / (step + 1);
    for (const rule of rules.filter((r) => r.at === step)) {
      if (rule.once) writeFileSync(rule.once, `${input.key}\n`);
      log(`${rule.action} ${input.key} ${step}`);
      if (rule.action === 'abort') process.abort();
      if (rule.action === 'nan') loss = NaN;
      if (rule.action === 'throw') throw new Error(`scripted failure at step ${step}`);
      if (rule.action === 'ort-oom') await ortOutOfMemory();
    }
    const epoch = Math.ceil(step / s.stepsPerEpoch);
    if (step % s.stepsPerEpoch === 0) trainLoss.push(loss);
    log(`step ${input.key} ${step}`);
    await hooks.onStep({ step, steps, epoch, epochs: s.epochs, loss });
  }
  hooks.onPhase('eval');
  const metric = (role: 'in-domain' | 'ood', accuracy: number) => ({ role, count: 100, accuracy, mcc: 2 * accuracy - 1, macroF1: accuracy, majority: 0.69 });
  const result: TrialResult = {
    trainLoss,
    metrics: {
      'cola-in-domain-dev': metric('in-domain', scriptedAccuracy(input.config, 'id')),
      'cola-ood-dev': metric('ood', scriptedAccuracy(input.config, 'ood')),
    },
    peakMemoryBytes: process.memoryUsage().rss,
    trainableParams: 1000 * input.config.n,
    provider: input.provider === 'auto' ? 'cpu' : input.provider,
  };
  log(`done ${input.key}`);
  return result;
};
