// The training loop, top to bottom: epochs of shuffled batches (order from the model seed), each
// batch split into micro-batches of the compiled shape, one optimizer step per batch with the
// scheduled learning rate, progress and NaN checks through the trial hooks after every step.
import type { TrainingSettings } from '../../../protocol/experiment';
import { epochOrder } from '../data/sampling';
import type { PreparedMethod, TrainingRow } from '../methods';
import type { OptConfig } from '../model/config';
import type { ParamValues } from '../model/optParams';
import { linearWarmupDecay, warmupStepsFromRatio } from '../optim/schedule';
import { TrainingEngine } from '../runtime/engine';
import type { ProviderChoice } from '../runtime/providers';
import type { TrialHooks } from '../../runner/trialContract';
import { chunk, decoderInputs, graphSeqLength, padRows } from './batching';
import { chooseMicroBatch } from './microBatch';
import type { PeakMemory } from './peakMemory';

export interface TrainOptions {
  config: OptConfig;
  method: PreparedMethod;
  rows: TrainingRow[];
  initial: ParamValues;
  training: TrainingSettings;
  modelSeed: number;
  padId: number;
  provider: ProviderChoice;
  threads?: number;
  hooks: TrialHooks;
  memory: PeakMemory;
}

export interface TrainOutcome {
  /** Mean training loss per epoch. */
  epochLoss: number[];
  /** All parameters after training (host arrays). */
  trained: ParamValues;
  provider: string;
  microBatch: number;
}

/** The learning rate of the step-th update (0-based), as transformers' schedulers give it. */
export function scheduledLr(t: TrainingSettings, step: number, totalSteps: number): number {
  const warmup = warmupStepsFromRatio(t.warmupRatio, totalSteps);
  if (t.schedule === 'constant') return step < warmup ? (t.lr * step) / Math.max(1, warmup) : t.lr;
  return linearWarmupDecay(step, t.lr, warmup, totalSteps);
}

export async function train(o: TrainOptions): Promise<TrainOutcome> {
  const t = o.training;
  const count = o.rows.length;
  const batch = Math.min(t.batchSize, count);
  const stepsPerEpoch = Math.ceil(count / batch);
  const totalSteps = t.epochs * stepsPerEpoch;
  const seq = graphSeqLength(o.rows.map((r) => r.tokens.length), t.maxLength);
  let paramCount = 0;
  for (const v of o.initial.values()) paramCount += v.length;
  const micro = chooseMicroBatch(o.config, seq, batch, t.microBatchSize, t.memoryBudgetMB, paramCount * 4);

  const engine = await TrainingEngine.create(o.method.spec, o.method.objective, micro, seq, {
    provider: o.provider,
    threads: o.threads,
    adamw: { beta1: t.adamBeta1, beta2: t.adamBeta2, eps: t.adamEpsilon, weightDecay: t.weightDecay },
    seed: o.modelSeed,
    dropout: true,
  });
  const state = await engine.createState(o.initial);
  const epochLoss: number[] = [];
  let step = 0;
  for (let epoch = 0; epoch < t.epochs; epoch++) {
    const order = epochOrder(count, o.modelSeed, epoch);
    let lossSum = 0;
    for (const indices of chunk(order, batch)) {
      const rows = indices.map((i) => o.rows[i]);
      const micros = chunk(rows, micro).map((part) => {
        const padded = padRows(part, micro);
        return { ...decoderInputs(padded.map((r) => r?.tokens), seq, o.padId), ...o.method.trainFeeds(padded) };
      });
      const result = await engine.step(state, micros, scheduledLr(t, step, totalSteps));
      step++;
      o.memory.sample();
      lossSum += result.loss;
      await o.hooks.onStep({ step, steps: totalSteps, epoch: epoch + 1, epochs: t.epochs, loss: result.loss });
    }
    epochLoss.push(lossSum / stepsPerEpoch);
  }
  const trained = await state.values(engine.transfer);
  return { epochLoss, trained, provider: engine.provider, microBatch: micro };
}
