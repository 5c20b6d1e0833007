// Learning-rate schedules as pure functions of the step index (0-based: the lr used by the
// step-th optimizer update), as transformers defines them.

/**
 * get_linear_schedule_with_warmup: rises linearly from 0 over `warmupSteps`, then falls linearly
 * to 0 at `totalSteps`.
 */
export function linearWarmupDecay(step: number, baseLr: number, warmupSteps: number, totalSteps: number): number {
  if (step < warmupSteps) return (baseLr * step) / Math.max(1, warmupSteps);
  return baseLr * Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
}

/** Warmup steps as transformers' warmup_ratio computes them: ceil(ratio · total). */
export function warmupStepsFromRatio(ratio: number, totalSteps: number): number {
  return Math.ceil(ratio * totalSteps);
}

/** Layer-wise lr decay: layer i of L gets decay^(L-1-i) (the top layer keeps the base rate). */
export function layerwiseLrScale(layer: number, numLayers: number, decay: number): number {
  return decay ** (numLayers - 1 - layer);
}
