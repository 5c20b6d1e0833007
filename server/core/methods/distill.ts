// Context distillation: the teacher is the frozen base model reading a context (k labelled
// demonstrations from the trial's own few-shot sample, or an instruction) before the input; the
// student is the same model without the context, trained on
//   loss = α·T²·KL(teacher_T ‖ student_T) + (1−α)·CE(student, gold)
// over the verbalizer distribution at temperature T. The teacher's distribution is computed once
// per training example (by the trial, with the base weights) and fed as an input each step.
import type * as ort from 'onnxruntime-node';
import type { DistillOptions } from '../../../protocol/experiment';
import { add, mul, scale, sub } from '../graph/ops/arithmetic';
import { crossEntropy } from '../graph/ops/crossEntropy';
import { reduceSum } from '../graph/ops/reduce';
import { logSoftmax } from '../graph/ops/softmax';
import type { OptModelSpec } from '../model/optSpec';
import { decayExceptBiasAndNorm } from '../optim/paramGroups';
import { CLASS_LABELS } from '../runtime/losses';
import type { LossTerms, ModelView } from '../runtime/objective';
import { float32Tensor } from '../runtime/tensors';
import { countTrainable } from './common';
import { labelFeed, verbalizerIdsFeed, verbalizerLogits, verbalizerReadout, VERBALIZER_IDS } from './heads';
import type { MethodContext, PreparedMethod, TrainingRow } from './method';

export const TEACHER_PROBS = 'teacher_probs'; // [B, K]
export const TEACHER_LOG_PROBS = 'teacher_log_probs'; // [B, K]
export const ROW_WEIGHTS = 'row_weights'; // [B], 0 on padding rows

export function distillLoss(view: ModelView, numLabels: number, alpha: number, temperature: number): LossTerms {
  const { g, batch: B } = view;
  const z = verbalizerLogits(view, numLabels); // [B, K]
  const ce = crossEntropy(g, z, view.input(CLASS_LABELS, 'int64', [B]));
  const pt = view.input(TEACHER_PROBS, 'float32', [B, numLabels]);
  const logPt = view.input(TEACHER_LOG_PROBS, 'float32', [B, numLabels]);
  const w = view.input(ROW_WEIGHTS, 'float32', [B]);
  const logQ = logSoftmax(g, scale(g, z, 1 / temperature), -1); // [B, K]
  const klRows = reduceSum(g, mul(g, pt, sub(g, logPt, logQ)), [1], false); // [B]
  const kl = reduceSum(g, mul(g, klRows, w), [0], false); // []
  const sum = add(g, scale(g, kl, alpha * temperature * temperature), scale(g, ce.sum, 1 - alpha));
  return { sum, count: ce.count };
}

/** The teacher's tempered distribution over the verbalizers from its logits. */
export function temperedDistribution(logits: ArrayLike<number>, temperature: number): { probs: Float32Array; logProbs: Float32Array } {
  const z = Array.from(logits, (x) => x / temperature);
  const max = Math.max(...z);
  const lse = max + Math.log(z.reduce((s, x) => s + Math.exp(x - max), 0));
  const logProbs = Float32Array.from(z, (x) => x - lse);
  return { probs: logProbs.map(Math.exp), logProbs };
}

export function prepareDistill(ctx: MethodContext, options: DistillOptions): PreparedMethod {
  if (!(options.alpha >= 0 && options.alpha <= 1)) throw new Error(`distill: alpha must be in [0, 1], got ${options.alpha}`);
  if (!(options.temperature > 0)) throw new Error(`distill: temperature must be positive, got ${options.temperature}`);
  const spec: OptModelSpec = { config: ctx.config };
  const trainable = (): boolean => true;
  const K = ctx.numLabels;
  const teacherFeed = (rows: readonly (TrainingRow | undefined)[], pick: (r: TrainingRow) => Float32Array): ort.Tensor => {
    const out = new Float32Array(rows.length * K);
    rows.forEach((r, i) => {
      if (!r) return;
      const p = pick(r);
      if (p.length !== K) throw new Error('distill: a training row has no teacher distribution');
      out.set(p, i * K);
    });
    return float32Tensor(out, [rows.length, K]);
  };
  return {
    spec,
    evalSpec: spec,
    objective: {
      key: `distill-${K}-${options.alpha}-${options.temperature}`,
      trainable,
      group: decayExceptBiasAndNorm(ctx.weightDecay),
      loss: (view) => distillLoss(view, K, options.alpha, options.temperature),
    },
    readout: verbalizerReadout(K),
    encode: ctx.encodePattern,
    trainFeeds: (rows) => ({
      [CLASS_LABELS]: labelFeed(rows),
      [VERBALIZER_IDS]: verbalizerIdsFeed(ctx.verbalizerIds),
      [TEACHER_PROBS]: teacherFeed(rows, (r) => r.teacherProbs ?? new Float32Array()),
      [TEACHER_LOG_PROBS]: teacherFeed(rows, (r) => r.teacherLogProbs ?? new Float32Array()),
      [ROW_WEIGHTS]: float32Tensor(rows.map((r) => (r ? 1 : 0)), [rows.length]),
    }),
    evalFeeds: () => ({ [VERBALIZER_IDS]: verbalizerIdsFeed(ctx.verbalizerIds) }),
    initialParams: (base) => base,
    evalParams: (trained) => trained,
    trainableParams: countTrainable(spec, trainable),
  };
}
