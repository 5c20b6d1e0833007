// Evaluation: the method's readout graph over an eval set in fixed-shape batches, argmax of the
// class scores, then the metrics of the split (HANS maps three-way predictions itself).
import type * as ort from 'onnxruntime-node';
import type { EvalMetrics } from '../../../protocol/results';
import type { EvalSplit } from '../data/example';
import type { OptModelSpec } from '../model/optSpec';
import type { Readout } from '../runtime/objective';
import type { ProviderChoice } from '../runtime/providers';
import { Evaluator } from '../runtime/evaluator';
import { floatData } from '../runtime/tensors';
import { NonFiniteScoreError, throwIfCancelled } from '../../runner/trialContract';
import { chunk, decoderInputs, graphSeqLength, padRows } from './batching';
import { evaluateSplit } from './metrics';

export interface ScoreOptions {
  spec: OptModelSpec;
  readout: Readout;
  params: ReadonlyMap<string, ort.Tensor>;
  extraFeeds: (batch: number) => Record<string, ort.Tensor>;
  batchSize: number;
  seqLimit: number;
  padId: number;
  provider: ProviderChoice;
  threads?: number;
  signal: AbortSignal;
  /** Called after every batch (memory sampling). */
  onBatch?: () => void;
}

/** Class scores [N][K] for token sequences; NaN or infinite scores throw NonFiniteScoreError (`what` names them). */
export async function scoreSequences(sequences: readonly number[][], o: ScoreOptions, what = 'the prompts'): Promise<{ scores: Float32Array[]; provider: string }> {
  const seq = graphSeqLength(sequences.map((s) => s.length), o.seqLimit);
  const batch = Math.min(o.batchSize, Math.max(1, sequences.length));
  const evaluator = await Evaluator.create(o.spec, o.readout, batch, seq, { provider: o.provider, threads: o.threads });
  const params = new Map([...o.params].filter(([n]) => evaluator.params.includes(n)));
  const scores: Float32Array[] = [];
  for (const rows of chunk(sequences, batch)) {
    throwIfCancelled(o.signal);
    const padded = padRows(rows, batch);
    const out = await evaluator.run(params, { ...decoderInputs(padded, seq, o.padId), ...o.extraFeeds(batch) });
    const s = floatData(out.scores);
    const k = s.length / batch;
    rows.forEach((_, i) => {
      const row = Float32Array.from(s.subarray(i * k, (i + 1) * k));
      const bad = row.find((v) => !Number.isFinite(v));
      if (bad !== undefined) throw new NonFiniteScoreError(what, scores.length, bad);
      scores.push(row);
    });
    o.onBatch?.();
  }
  return { scores, provider: evaluator.provider };
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

export async function evaluateSequences(split: EvalSplit, sequences: readonly number[][], o: ScoreOptions, truncated?: number): Promise<{ metrics: EvalMetrics; provider: string }> {
  const { scores, provider } = await scoreSequences(sequences, o, split.name);
  const predictions = scores.map(argmax);
  return { metrics: evaluateSplit(split, predictions, truncated === undefined ? {} : { truncated }), provider };
}
