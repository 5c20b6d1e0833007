// AdamW on the host, in place, one pass over memory: the update the CPU engine applies after its
// gradients graph. In-graph AdamW (adamwGraph.ts) needs ~14 element-wise nodes per parameter, each
// a full pass that allocates its result, and makes the step output a second copy of every
// parameter and moment (which onnxruntime-node then copies again into JS). Here p, m and v are
// overwritten where they live: one read of p, m, v, g and one write of p, m, v per element.
//
// Same arithmetic as adamw.ts (torch's single-tensor AdamW), with the moments rounded to float32
// before use as torch stores them, and the gradient scaled by `gradScale` (1/count of a summed loss).
import type { AdamWHyper } from './adamw';

export interface HostAdamWStep {
  /** Learning rate of this parameter (the schedule's value times its group's multiplier). */
  lr: number;
  /** Decoupled weight decay of this parameter's group. */
  weightDecay: number;
  /** 1-based step count after incrementing. */
  step: number;
  /** Multiplies the gradient first (1/count when `grad` is the gradient of a summed loss). */
  gradScale: number;
}

/** One AdamW update of one parameter, in place: p, m, v overwritten. */
export function adamwInPlace(p: Float32Array, m: Float32Array, v: Float32Array, grad: Float32Array, s: HostAdamWStep, h: AdamWHyper): void {
  const n = p.length;
  if (m.length !== n || v.length !== n || grad.length !== n) throw new Error(`adamwInPlace: lengths differ (p ${n}, m ${m.length}, v ${v.length}, grad ${grad.length})`);
  const b1 = h.beta1;
  const b2 = h.beta2;
  const c1 = (1 - b1) * s.gradScale;
  const c2 = (1 - b2) * s.gradScale * s.gradScale;
  const invBc2Sqrt = 1 / Math.sqrt(1 - b2 ** s.step);
  const stepSize = s.lr / (1 - b1 ** s.step);
  const decay = 1 - s.lr * s.weightDecay;
  const eps = h.eps;
  const fround = Math.fround;
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    const mi = fround(b1 * m[i] + c1 * g);
    const vi = fround(b2 * v[i] + c2 * g * g);
    m[i] = mi;
    v[i] = vi;
    p[i] = fround(p[i] * decay) - (stepSize * mi) / (Math.sqrt(vi) * invBc2Sqrt + eps);
  }
}

/** acc += x, element-wise (gradients of micro-batches summed in place). */
export function addInPlace(acc: Float32Array, x: Float32Array): void {
  if (acc.length !== x.length) throw new Error(`addInPlace: lengths differ (${acc.length} vs ${x.length})`);
  for (let i = 0; i < acc.length; i++) acc[i] += x[i];
}
