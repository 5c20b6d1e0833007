// Error measures of the fixtures' README: logits and losses absolute, gradients relative to the
// largest magnitude of each reference tensor.

export function maxAbsDiff(ours: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (ours.length !== ref.length) throw new Error(`length ${ours.length} vs reference ${ref.length}`);
  let m = 0;
  for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(ours[i] - ref[i]));
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export const LOGIT_TOL = 1e-4;
export const GRAD_REL_TOL = 1e-4;

export interface GradComparison {
  worst: number;
  worstName: string;
  /** Tensors whose exact gradient is zero: reference and ours both at rounding-noise level. */
  zero: string[];
  failures: string[];
}

/**
 * Compares every gradient. A reference tensor below 1e-6 of the case's largest gradient is
 * rounding noise around an exact zero (k_proj.bias: softmax ignores a constant added to every
 * score of a query row, so its gradient vanishes identically); a relative error is meaningless
 * there, and the check is that ours is at the same noise level.
 */
export function compareGradients(ours: ReadonlyMap<string, ArrayLike<number>>, ref: ReadonlyMap<string, ArrayLike<number>>): GradComparison {
  const caseScale = Math.max(...[...ref.values()].map(maxAbs));
  const noise = 1e-6 * caseScale;
  const out: GradComparison = { worst: 0, worstName: '', zero: [], failures: [] };
  for (const [name, r] of ref) {
    const o = ours.get(name);
    if (!o) {
      out.failures.push(`${name}: no gradient computed`);
      continue;
    }
    const scale = maxAbs(r);
    if (scale < noise) {
      out.zero.push(name);
      if (maxAbs(o) >= noise) out.failures.push(`${name}: reference is zero, ours reaches ${maxAbs(o)}`);
      continue;
    }
    const err = maxAbsDiff(o, r) / scale;
    if (err > out.worst) {
      out.worst = err;
      out.worstName = name;
    }
    if (err > GRAD_REL_TOL) out.failures.push(`${name}: relative error ${err.toExponential(2)}`);
  }
  return out;
}
