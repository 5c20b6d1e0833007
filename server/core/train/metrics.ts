// Classification metrics of one eval set: accuracy, Matthews correlation, macro-F1, and the
// majority-class rate (the accuracy of always answering the most frequent gold label — the line a
// method has to beat before its accuracy means anything).
//
// Predictions and gold labels are label indices. All functions are pure.

import type { EvalMetrics, EvalRole } from '../../../protocol/results';
import type { EvalSplit } from '../data/example';

function checkPair(predictions: readonly number[], gold: readonly number[]): void {
  if (predictions.length !== gold.length) {
    throw new Error(`${predictions.length} predictions for ${gold.length} gold labels`);
  }
}

function checkLabel(value: number, numClasses: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= numClasses) {
    throw new Error(`${what} ${value} outside 0..${numClasses - 1}`);
  }
}

/** Number of classes the labels span: one more than the largest label seen (at least `atLeast`). */
function classCount(predictions: readonly number[], gold: readonly number[], atLeast = 0): number {
  let max = atLeast - 1;
  for (const v of predictions) max = Math.max(max, v);
  for (const v of gold) max = Math.max(max, v);
  return max + 1;
}

/** counts[g][p]: examples with gold label g predicted as p. */
export function confusionMatrix(predictions: readonly number[], gold: readonly number[], numClasses?: number): number[][] {
  checkPair(predictions, gold);
  const k = numClasses ?? classCount(predictions, gold);
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < gold.length; i++) {
    checkLabel(gold[i], k, 'gold label');
    checkLabel(predictions[i], k, 'prediction');
    counts[gold[i]][predictions[i]]++;
  }
  return counts;
}

export function accuracy(predictions: readonly number[], gold: readonly number[]): number {
  checkPair(predictions, gold);
  if (gold.length === 0) return 0;
  let correct = 0;
  for (let i = 0; i < gold.length; i++) if (predictions[i] === gold[i]) correct++;
  return correct / gold.length;
}

/**
 * Matthews correlation, multi-class form (Gorodkin 2004; what sklearn's matthews_corrcoef computes):
 *
 *   MCC = (c·s − Σ_k p_k·t_k) / sqrt((s² − Σ_k p_k²) · (s² − Σ_k t_k²))
 *
 * with c correct predictions, s examples, t_k gold count and p_k prediction count of class k. For two
 * classes it equals (TP·TN − FP·FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)). When the denominator is 0
 * (all gold labels one class, or all predictions one class) it is defined as 0.
 */
export function matthewsCorrelation(predictions: readonly number[], gold: readonly number[], numClasses?: number): number {
  const matrix = confusionMatrix(predictions, gold, numClasses);
  const k = matrix.length;
  let s = 0;
  let c = 0;
  const t = new Array<number>(k).fill(0);
  const p = new Array<number>(k).fill(0);
  for (let g = 0; g < k; g++) {
    for (let q = 0; q < k; q++) {
      const n = matrix[g][q];
      s += n;
      t[g] += n;
      p[q] += n;
      if (g === q) c += n;
    }
  }
  let pt = 0;
  let pp = 0;
  let tt = 0;
  for (let j = 0; j < k; j++) {
    pt += p[j] * t[j];
    pp += p[j] * p[j];
    tt += t[j] * t[j];
  }
  const denominator = Math.sqrt((s * s - pp) * (s * s - tt));
  return denominator === 0 ? 0 : (c * s - pt) / denominator;
}

/**
 * Unweighted mean of per-class F1 over the classes that occur in the gold labels or the predictions
 * (as sklearn's f1_score(average="macro") does); a class with no true positives has F1 = 0.
 */
export function macroF1(predictions: readonly number[], gold: readonly number[], numClasses?: number): number {
  const matrix = confusionMatrix(predictions, gold, numClasses);
  const k = matrix.length;
  let sum = 0;
  let present = 0;
  for (let j = 0; j < k; j++) {
    const tp = matrix[j][j];
    let goldCount = 0;
    let predCount = 0;
    for (let i = 0; i < k; i++) {
      goldCount += matrix[j][i];
      predCount += matrix[i][j];
    }
    if (goldCount === 0 && predCount === 0) continue;
    present++;
    // F1 = 2·TP / (2·TP + FP + FN) = 2·TP / (predicted + gold)
    sum += (2 * tp) / (predCount + goldCount);
  }
  return present === 0 ? 0 : sum / present;
}

/** Share of the most frequent gold label. */
export function majorityRate(gold: readonly number[]): number {
  if (gold.length === 0) return 0;
  const counts = new Map<number, number>();
  let best = 0;
  for (const g of gold) {
    const n = (counts.get(g) ?? 0) + 1;
    counts.set(g, n);
    if (n > best) best = n;
  }
  return best / gold.length;
}

/** All metrics of one eval set. `truncated` is reported for ICL (demonstrations dropped to fit). */
export function computeEvalMetrics(
  predictions: readonly number[],
  gold: readonly number[],
  role: EvalRole,
  options: { numClasses?: number; truncated?: number } = {},
): EvalMetrics {
  const numClasses = options.numClasses ?? classCount(predictions, gold);
  const metrics: EvalMetrics = {
    role,
    count: gold.length,
    accuracy: accuracy(predictions, gold),
    mcc: matthewsCorrelation(predictions, gold, numClasses),
    macroF1: macroF1(predictions, gold, numClasses),
    majority: majorityRate(gold),
  };
  if (options.truncated !== undefined) metrics.truncated = options.truncated;
  return metrics;
}

/**
 * Metrics of a model's predictions (in the task's label space) on an eval split, applying the
 * split's predictionMap first (e.g. a three-way MNLI model on HANS: neutral and contradiction both
 * count as non-entailment).
 */
export function evaluateSplit(split: EvalSplit, predictions: readonly number[], options: { truncated?: number } = {}): EvalMetrics {
  const map = split.predictionMap;
  const mapped = map
    ? predictions.map((p) => {
        const m = map[p];
        if (m === undefined) throw new Error(`prediction ${p} has no mapping on eval set ${split.name}`);
        return m;
      })
    : predictions;
  return computeEvalMetrics(
    mapped,
    split.examples.map((e) => e.label),
    split.role,
    { numClasses: split.labelNames.length, truncated: options.truncated },
  );
}
