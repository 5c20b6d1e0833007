// Parameter groups: a learning-rate multiplier and a weight decay per parameter. Groups are
// constants of the compiled update graph (each distinct group is one set of scalars in it), so
// the graph's cache key includes the grouping.

export interface ParamGroup {
  /** Multiplies the scheduled learning rate (layer-wise decay, a faster head, …). */
  lrScale: number;
  /** Decoupled weight decay for this parameter. */
  weightDecay: number;
}

export type GroupAssignment = (name: string) => ParamGroup;

/** Every parameter in one group with the optimizer's weight decay. */
export function uniformGroups(weightDecay: number): GroupAssignment {
  return () => ({ lrScale: 1, weightDecay });
}

/**
 * transformers' Trainer convention: no weight decay for biases and layer-norm weights.
 * `lrScale` lets a method add layer-wise rates on top.
 */
export function decayExceptBiasAndNorm(weightDecay: number, lrScale: (name: string) => number = () => 1): GroupAssignment {
  return (name) => ({
    lrScale: lrScale(name),
    weightDecay: name.endsWith('.bias') || /layer_norm\.weight$/.test(name) ? 0 : weightDecay,
  });
}

/** A stable description of the groups of `names`, for cache keys. */
export function groupsKey(names: readonly string[], assign: GroupAssignment): string {
  return names.map((n) => {
    const g = assign(n);
    return `${g.lrScale}/${g.weightDecay}`;
  }).join(',');
}
