// AdamW exactly as torch.optim.AdamW computes it (single-tensor path, decoupled weight decay,
// bias correction), in plain JS. The in-graph update (adamwGraph.ts) computes the same update
// with its scalar factors folded together; this version is the reference it is tested against
// and the path for small parameter sets updated outside a graph.

export interface AdamWHyper {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** torch.optim.AdamW's defaults. */
export const TORCH_ADAMW_DEFAULTS: AdamWHyper = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };

export interface AdamWSlot {
  param: Float32Array;
  m: Float32Array; // exp_avg
  v: Float32Array; // exp_avg_sq
}

/**
 * One update of one parameter in place. `step` is the 1-based step count after incrementing (torch
 * increments before computing the bias corrections).
 *
 *   p ← p · (1 - lr·wd)
 *   m ← β1·m + (1-β1)·g;   v ← β2·v + (1-β2)·g²
 *   p ← p - (lr / (1-β1^t)) · m / (√v / √(1-β2^t) + eps)
 */
export function adamwStep(slot: AdamWSlot, grad: ArrayLike<number>, lr: number, step: number, h: AdamWHyper): void {
  const { param, m, v } = slot;
  const bc1 = 1 - h.beta1 ** step;
  const bc2Sqrt = Math.sqrt(1 - h.beta2 ** step);
  const stepSize = lr / bc1;
  const decay = 1 - lr * h.weightDecay;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    param[i] *= decay;
    m[i] = m[i] * h.beta1 + (1 - h.beta1) * g;
    v[i] = v[i] * h.beta2 + (1 - h.beta2) * g * g;
    param[i] -= stepSize * (m[i] / (Math.sqrt(v[i]) / bc2Sqrt + h.eps));
  }
}

export function newSlot(param: Float32Array): AdamWSlot {
  return { param, m: new Float32Array(param.length), v: new Float32Array(param.length) };
}
