// The standard losses of the two Hugging Face heads, as building blocks for objectives:
// - causal LM: mean cross-entropy of next-token predictions over labelled positions (HF shifts
//   the labels inside the model; here the caller feeds them already shifted, see optBatch);
// - sequence classification: mean cross-entropy of the score head at the last non-pad token.
import { crossEntropy } from '../graph/ops/crossEntropy';
import type { ModelView, LossTerms } from './objective';

/** Input names the standard losses read. */
export const LM_LABELS = 'lm_labels'; // [B*T] int64, shifted, -100 = ignore
export const CLASS_LABELS = 'labels'; // [B] int64

export function causalLmLoss(view: ModelView): LossTerms {
  const labels = view.input(LM_LABELS, 'int64', [view.batch * view.seq]);
  return crossEntropy(view.g, view.lmLogits(), labels);
}

export function classificationLoss(view: ModelView): LossTerms {
  const labels = view.input(CLASS_LABELS, 'int64', [view.batch]);
  return crossEntropy(view.g, view.classLogits(), labels);
}
