// Statistics over seeds: mean, sample standard deviation, Student-t 95% confidence intervals, and the
// aggregation of trial records into cells (model × task × method × n × eval set).
//
// The t quantile is computed, not looked up: the Student-t CDF through the regularized incomplete
// beta function, inverted by bisection. Exact to ~1e-12 for every df, so 2, 3 or 10 seeds all get the
// right interval (with 2 seeds the 97.5% quantile is 12.706, not the 1.96 a normal approximation gives).

import type { EvalRole, MethodId, TrialError, TrialRecord } from '../../../protocol/results';

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation (divides by n − 1); NaN for fewer than two values. */
export function sampleStd(values: readonly number[]): number {
  if (values.length < 2) return NaN;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (values.length - 1));
}

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, 9 terms; relative error < 1e-13). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x); // reflection
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    // even step
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    // odd step
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5); // P(T > |t|)
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with `df` degrees of freedom (0 < p < 1, df > 0). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`quantile probability must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new Error(`degrees of freedom must be positive, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface Summary {
  count: number;
  mean: number;
  /** Sample std (n − 1); null with fewer than two values. */
  std: number | null;
  /** 95% confidence interval of the mean (Student t, df = n − 1); null with fewer than two values. */
  ci95: { low: number; high: number } | null;
  min: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('cannot summarize no values');
  const m = mean(values);
  const n = values.length;
  if (n < 2) return { count: n, mean: m, std: null, ci95: null, min: m, max: m };
  const s = sampleStd(values);
  const half = studentTQuantile(0.975, n - 1) * (s / Math.sqrt(n));
  return { count: n, mean: m, std: s, ci95: { low: m - half, high: m + half }, min: Math.min(...values), max: Math.max(...values) };
}

export interface CellKey {
  model: string;
  task: string;
  method: MethodId;
  n: number;
  evalSet: string;
}

export interface CellSummary extends CellKey {
  role: EvalRole;
  /** Finished trials that contribute values. */
  finished: number;
  /** Failed trials of the same model × task × method × n (they have no metrics). */
  failed: number;
  accuracy: Summary;
  mcc: Summary;
  macroF1: Summary;
  /** Majority-class rate of the eval set (mean over trials; equal unless eval sets differ). */
  majority: number;
  /** Total ICL examples whose demonstrations were truncated, where reported. */
  truncated?: number;
}

export interface FailureSummary {
  model: string;
  task: string;
  method: MethodId;
  n: number;
  failed: number;
  kinds: Partial<Record<TrialError['kind'], number>>;
}

const groupKey = (c: { model: string; task: string; method: MethodId; n: number }): string => JSON.stringify([c.model, c.task, c.method, c.n]);

/**
 * One record per trial key: the last finished one if there is any (a failed trial rerun to completion
 * counts as finished), otherwise the last failed one.
 */
export function latestRecords(records: readonly TrialRecord[]): TrialRecord[] {
  const byKey = new Map<string, TrialRecord>();
  for (const r of records) {
    const prev = byKey.get(r.key);
    if (!prev || r.status === 'finished' || prev.status === 'failed') byKey.set(r.key, r);
  }
  return [...byKey.values()];
}

/** Aggregates trial records into per-cell summaries over seeds, and counts failures per group. */
export function aggregateTrials(records: readonly TrialRecord[]): { cells: CellSummary[]; failures: FailureSummary[] } {
  const trials = latestRecords(records);
  const failures = new Map<string, FailureSummary>();
  const cells = new Map<string, { key: CellKey; role: EvalRole; rows: TrialRecord['metrics'][string][] }>();

  for (const r of trials) {
    const { model, task, method, n } = r.config;
    if (r.status === 'failed') {
      const g = groupKey(r.config);
      const f = failures.get(g) ?? { model, task, method, n, failed: 0, kinds: {} };
      f.failed++;
      const kind = r.error?.kind ?? 'error';
      f.kinds[kind] = (f.kinds[kind] ?? 0) + 1;
      failures.set(g, f);
      continue;
    }
    for (const [evalSet, m] of Object.entries(r.metrics)) {
      const k = JSON.stringify([model, task, method, n, evalSet]);
      const cell = cells.get(k) ?? { key: { model, task, method, n, evalSet }, role: m.role, rows: [] };
      cell.rows.push(m);
      cells.set(k, cell);
    }
  }

  const summaries: CellSummary[] = [...cells.values()].map(({ key, role, rows }) => {
    const truncatedRows = rows.filter((m) => m.truncated !== undefined);
    const summary: CellSummary = {
      ...key,
      role,
      finished: rows.length,
      failed: failures.get(groupKey(key))?.failed ?? 0,
      accuracy: summarize(rows.map((m) => m.accuracy)),
      mcc: summarize(rows.map((m) => m.mcc)),
      macroF1: summarize(rows.map((m) => m.macroF1)),
      majority: mean(rows.map((m) => m.majority)),
    };
    if (truncatedRows.length > 0) summary.truncated = truncatedRows.reduce((s, m) => s + (m.truncated ?? 0), 0);
    return summary;
  });
  const order = (c: CellKey): string => JSON.stringify([c.model, c.task, c.method, c.evalSet]);
  summaries.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : a.n - b.n));
  return { cells: summaries, failures: [...failures.values()] };
}
