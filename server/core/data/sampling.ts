// Few-shot sampling, demonstration sampling and training order.
//
// Two seeds, never mixed: the data seed decides WHICH examples a trial sees (the few-shot sample,
// ICL demonstrations); the model seed decides how training goes (head init, dropout, the order of
// examples in each epoch). Both are recorded with every trial.
//
// Why this file insists on per-seed streams: the study this tool reproduces drew its "10 seeds" of
// few-shot data through a path that ignored the seed for 9 of them, so 9 of 10 trials trained on one
// and the same sample. Here the seed enters every draw, and the tests check that different seeds give
// different samples.

import type { Example } from './example';
import { createRng, permutation, shuffleInPlace } from './rng';

export interface FewShotSample {
  examples: Example[];
  /** Indices into the pool, in the same order as `examples` (recorded for reproducibility). */
  indices: number[];
}

/** Pool indices of each label, in pool order. */
function indicesByLabel(pool: readonly Example[], numLabels: number): number[][] {
  const byLabel: number[][] = Array.from({ length: numLabels }, () => []);
  pool.forEach((ex, i) => {
    if (!Number.isInteger(ex.label) || ex.label < 0 || ex.label >= numLabels) {
      throw new Error(`example ${i} has label ${ex.label}, outside 0..${numLabels - 1}`);
    }
    byLabel[ex.label].push(i);
  });
  return byLabel;
}

function shortfallMessage(what: string, label: number, labelNames: readonly string[] | undefined, have: number, want: number): string {
  const name = labelNames?.[label] !== undefined ? `"${labelNames[label]}" (${label})` : String(label);
  return `${what}: class ${name} has ${have} example(s), ${want} needed`;
}

/**
 * Draws `perClass` examples of every label from the pool, with the data seed.
 *
 * Each class is shuffled with its own stream, so the sample is a prefix of that class's shuffled
 * order: for one seed the 16-per-class sample is contained in the 32-per-class sample, and classes do
 * not influence one another. Result order: class 0's draws, then class 1's, and so on — training
 * order is decided separately by the model seed (epochOrder).
 */
export function sampleFewShot(
  pool: readonly Example[],
  options: { numLabels: number; perClass: number; dataSeed: number; labelNames?: readonly string[] },
): FewShotSample {
  const { numLabels, perClass, dataSeed } = options;
  if (!Number.isInteger(perClass) || perClass < 1) throw new Error(`examples per class must be a positive integer, got ${perClass}`);
  const byLabel = indicesByLabel(pool, numLabels);
  const indices: number[] = [];
  byLabel.forEach((candidates, label) => {
    if (candidates.length < perClass) {
      throw new Error(shortfallMessage('few-shot sample', label, options.labelNames, candidates.length, perClass));
    }
    const shuffled = shuffleInPlace([...candidates], createRng(dataSeed, `few-shot/label-${label}`));
    indices.push(...shuffled.slice(0, perClass));
  });
  return { examples: indices.map((i) => pool[i]), indices };
}

/**
 * Balanced demonstrations for in-context learning or a distillation teacher: `perClass` of each
 * label drawn from `pool` (typically the trial's few-shot sample), never the example at `excludeIndex`
 * (the query itself, when the query comes from the same pool), then put in a seeded random order so
 * that the labels do not appear in blocks.
 *
 * `stream` separates independent draws under one seed (e.g. one per query for per-query contexts).
 */
export function sampleDemonstrations(
  pool: readonly Example[],
  options: {
    numLabels: number;
    perClass: number;
    seed: number;
    excludeIndex?: number;
    stream?: string;
    labelNames?: readonly string[];
  },
): FewShotSample {
  const { numLabels, perClass, seed, excludeIndex } = options;
  if (!Number.isInteger(perClass) || perClass < 0) throw new Error(`demonstrations per class must be a non-negative integer, got ${perClass}`);
  const stream = `demonstrations/${options.stream ?? ''}`;
  const byLabel = indicesByLabel(pool, numLabels).map((ids) => ids.filter((i) => i !== excludeIndex));
  const indices: number[] = [];
  byLabel.forEach((candidates, label) => {
    if (candidates.length < perClass) {
      throw new Error(shortfallMessage('demonstrations', label, options.labelNames, candidates.length, perClass));
    }
    const shuffled = shuffleInPlace([...candidates], createRng(seed, `${stream}/label-${label}`));
    indices.push(...shuffled.slice(0, perClass));
  });
  shuffleInPlace(indices, createRng(seed, `${stream}/order`));
  return { examples: indices.map((i) => pool[i]), indices };
}

/**
 * The order in which a training epoch visits `count` examples: a permutation of 0..count-1 that
 * depends only on the model seed and the epoch number.
 */
export function epochOrder(count: number, modelSeed: number, epoch: number): number[] {
  return permutation(count, createRng(modelSeed, `epoch/${epoch}`));
}

/**
 * A fixed subset of an eval set, for runs that cannot afford the whole set. The subset depends only
 * on `seed` (not on the trial's seeds), so every trial of a run is scored on the same examples; the
 * original order is kept.
 */
export function subsampleEval<T>(examples: readonly T[], limit: number, seed = 0): T[] {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`eval limit must be a positive integer, got ${limit}`);
  if (examples.length <= limit) return [...examples];
  const chosen = permutation(examples.length, createRng(seed, 'eval-subsample')).slice(0, limit).sort((a, b) => a - b);
  return chosen.map((i) => examples[i]);
}
