// Summary statistics over seeds for the views. The arithmetic (sample std, Student-t quantile) is the
// core's own (server/core/train/stats.ts, pure: no node APIs), so the panel, the HTML report and
// `ftlab report` print the same numbers; this adapter only gives the views NaN where a value is
// undefined (one seed: no std, no CI), which charts and formatters treat as "nothing to draw".
import { mean, sampleStd, studentTQuantile } from '../server/core/train/stats';

export { studentTCdf, studentTQuantile } from '../server/core/train/stats';

export interface Summary {
  /** Values summarized (finite values only). */
  count: number;
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); NaN for fewer than two values. */
  std: number;
  /** 95% CI of the mean: mean ± t(0.975, n−1) · std / √n; NaN bounds for fewer than two values. */
  ciLow: number;
  ciHigh: number;
}

export function summarize(values: readonly number[]): Summary {
  const xs = values.filter((v) => Number.isFinite(v));
  const count = xs.length;
  const m = count > 0 ? mean(xs) : NaN;
  if (count < 2) return { count, mean: m, std: NaN, ciLow: NaN, ciHigh: NaN };
  const std = sampleStd(xs);
  const half = studentTQuantile(0.975, count - 1) * (std / Math.sqrt(count));
  return { count, mean: m, std, ciLow: m - half, ciHigh: m + half };
}
