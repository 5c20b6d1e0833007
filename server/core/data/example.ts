// The shapes every dataset reader produces and every method consumes.
//
// An example is a bag of named text fields plus an integer label (an index into the task's label
// names). Patterns refer to the fields by name ({premise}, {sentence}); the label index is what the
// classification head, the verbalizers and the metrics agree on.

import type { EvalRole } from '../../../protocol/results';

export interface Example {
  fields: Record<string, string>;
  /** Index into the label names of the split the example belongs to. */
  label: number;
}

/** One evaluation set of a task, with the role it plays in the comparison. */
export interface EvalSplit {
  /** Stable name used as the key in TrialRecord.metrics, e.g. "cola-in-domain-dev". */
  name: string;
  role: EvalRole;
  /** Label names of this split. Usually the task's; see predictionMap for when they differ. */
  labelNames: string[];
  /**
   * When the split's label space is coarser than the task's (HANS scored against a three-way MNLI
   * model: entailment vs non-entailment), predictionMap[taskLabel] gives the split label a
   * prediction counts as. Absent means predictions are already in the split's label space.
   */
  predictionMap?: number[];
  examples: Example[];
  /** The file the split was read from (for messages and the run manifest). */
  source: string;
}

export interface Dataset {
  /** Task name as used in experiment files: "cola", "mnli", "mnli-3way", or a custom name. */
  name: string;
  /** Field names an example carries; the placeholders a pattern may use. */
  fieldNames: string[];
  /** Label names in label-index order. */
  labelNames: string[];
  /** The pool few-shot training samples are drawn from. */
  train: Example[];
  trainSource: string;
  evals: EvalSplit[];
}

/** Number of examples per label index (length = numLabels). */
export function countLabels(examples: readonly Example[], numLabels: number): number[] {
  const counts = new Array<number>(numLabels).fill(0);
  for (const ex of examples) counts[ex.label]++;
  return counts;
}
