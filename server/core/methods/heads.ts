// The two ways a method reads a class out of OPT, shared by all methods:
// - a classification head (HF's OPTForSequenceClassification `score` on the last non-pad token);
// - verbalizer scoring: the LM head's logits at the last non-pad token, restricted to the
//   verbalizer tokens (only those K rows of the LM head are computed), or over the full
//   vocabulary with the gold verbalizer as the target (llmft's variant).
// Padding rows of a batch carry label -100 and so add nothing to the loss or its count.
import type * as ort from 'onnxruntime-node';
import { crossEntropy } from '../graph/ops/crossEntropy';
import { linear } from '../graph/ops/linear';
import { EMBED_TOKENS } from '../model/optParams';
import { CLASS_LABELS } from '../runtime/losses';
import type { Tensor } from '../graph/builder';
import type { LossTerms, ModelView, Readout } from '../runtime/objective';
import { int64Tensor } from '../runtime/tensors';
import type { TrainingRow } from './method';

export const VERBALIZER_IDS = 'verbalizer_ids'; // [K] int64
export const VOCAB_LABELS = 'vocab_labels'; // [B] int64: the gold verbalizer's token id

export type VerbalizerLoss = 'verbalizers' | 'full-vocab';

export function classHeadLoss(view: ModelView): LossTerms {
  const labels = view.input(CLASS_LABELS, 'int64', [view.batch]);
  return crossEntropy(view.g, view.classLogits(), labels);
}

/** Class scores from the verbalizer rows of the LM head: [B, K]. */
export function verbalizerLogits(view: ModelView, numLabels: number): Tensor {
  return view.lmLogitsAtLast(view.input(VERBALIZER_IDS, 'int64', [numLabels]));
}

export function verbalizerLoss(view: ModelView, numLabels: number, mode: VerbalizerLoss): LossTerms {
  if (mode === 'verbalizers') {
    const labels = view.input(CLASS_LABELS, 'int64', [view.batch]);
    return crossEntropy(view.g, verbalizerLogits(view, numLabels), labels);
  }
  // Full vocabulary at the last token only ([B, V], not [B*T, V]).
  const logits = linear(view.g, view.lastTokenHidden(), view.param(EMBED_TOKENS));
  const labels = view.input(VOCAB_LABELS, 'int64', [view.batch]);
  return crossEntropy(view.g, logits, labels);
}

export const classHeadReadout: Readout = {
  key: 'class-head',
  outputs: (view) => ({ scores: view.classLogits() }),
};

export function verbalizerReadout(numLabels: number): Readout {
  return { key: `verbalizers-${numLabels}`, outputs: (view) => ({ scores: verbalizerLogits(view, numLabels) }) };
}

/** Gold labels of a batch, -100 on padding rows. */
export function labelFeed(rows: readonly (TrainingRow | undefined)[]): ort.Tensor {
  return int64Tensor(rows.map((r) => (r ? r.label : -100)), [rows.length]);
}

export function verbalizerIdsFeed(ids: readonly number[]): ort.Tensor {
  return int64Tensor(ids, [ids.length]);
}

/** Feeds for a verbalizer-scored batch under either loss. */
export function verbalizerTrainFeeds(rows: readonly (TrainingRow | undefined)[], ids: readonly number[], mode: VerbalizerLoss): Record<string, ort.Tensor> {
  if (mode === 'verbalizers') return { [CLASS_LABELS]: labelFeed(rows), [VERBALIZER_IDS]: verbalizerIdsFeed(ids) };
  return { [VOCAB_LABELS]: int64Tensor(rows.map((r) => (r ? ids[r.label] : -100)), [rows.length]) };
}
