// The contract between the autodiff and an op family: given the op as taped and the gradients of
// its outputs, emit nodes computing the gradients of the inputs that need one.
import type { GraphBuilder, OpRecord, Tensor } from './builder';

/**
 * `dOutputs[i]` is the gradient of the loss w.r.t. `op.outputs[i]` (undefined when that output does
 * not reach the loss). `needs[j]` says whether `op.inputs[j]` needs a gradient; the rule returns
 * one entry per input and may leave any entry undefined whose `needs` is false.
 */
export type GradRule = (
  g: GraphBuilder,
  op: OpRecord,
  dOutputs: readonly (Tensor | undefined)[],
  needs: readonly boolean[],
) => readonly (Tensor | undefined)[];
