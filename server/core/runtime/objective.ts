// The contract between the training engine and a fine-tuning method. A method says which
// parameters train (and in which optimizer group), and how a batch becomes a loss: a function that
// receives a view of the model's graph and adds loss nodes. The engine compiles that into one
// graph with forward, loss, backward and the AdamW update.
import type { DType, GraphBuilder, Tensor } from '../graph/builder';
import type { OptForward } from '../model/optGraph';
import type { OptModelSpec } from '../model/optSpec';
import type { ParamGroup } from '../optim/paramGroups';

/** What a loss or readout function sees while the graph is built. */
export interface ModelView {
  readonly g: GraphBuilder;
  readonly spec: OptModelSpec;
  readonly batch: number; // B
  readonly seq: number; // T
  readonly forward: OptForward;
  /** The graph tensor of a parameter. */
  param(name: string): Tensor;
  /** Declares (once per name) an extra graph input the caller feeds each step: labels, token ids, teacher logits, weights. */
  input(name: string, dtype: DType, shape: readonly number[]): Tensor;
  /** Flat row b·T + t of each sequence's last non-pad token, [B] int64 (fed from optBatch). */
  lastTokenRows(): Tensor;
  /** Decoder output at the last non-pad token, [B, Cp]. */
  lastTokenHidden(): Tensor;
  /** LM logits over the full vocabulary at every position, [B*T, V]. */
  lmLogits(): Tensor;
  /** LM logits at the last non-pad token restricted to `tokenIds` [K]: [B, K]. */
  lmLogitsAtLast(tokenIds: Tensor): Tensor;
  /** OPTForSequenceClassification logits, [B, numLabels]. */
  classLogits(): Tensor;
}

/**
 * A loss as a sum and a count: the engine divides the gradient of `sum` by the count of the whole
 * logical batch, so a batch split into micro-batches trains exactly like the unsplit one.
 * `count` must not depend on trainable parameters (e.g. the number of labelled tokens or rows).
 */
export interface LossTerms {
  sum: Tensor; // []
  count: Tensor; // []
}

export interface TrainingObjective {
  /** Identifies the loss's graph structure (with the model spec and batch shape it keys the compiled-graph cache). */
  key: string;
  trainable(name: string): boolean;
  /** Optimizer group of a trainable parameter; default: lr scale 1 and the optimizer's weight decay. */
  group?(name: string): ParamGroup;
  loss(view: ModelView): LossTerms;
  /** Extra outputs of the training step (e.g. logits for a running accuracy), computed alongside the loss. */
  outputs?(view: ModelView): Record<string, Tensor>;
}

/** An evaluation graph: forward only, dropout off, named outputs. */
export interface Readout {
  key: string;
  outputs(view: ModelView): Record<string, Tensor>;
}
