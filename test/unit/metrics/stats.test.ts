import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EvalMetrics, MethodId, TrialRecord } from '../../../protocol/results';
import { aggregateTrials, latestRecords, mean, sampleStd, studentTCdf, studentTQuantile, summarize } from '../../../server/core/train/stats';

const close = (actual: number, expected: number, tol: number): void => {
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} != ${expected} (±${tol})`);
};

test('mean and sample standard deviation (n − 1)', () => {
  const v = [2, 4, 4, 4, 5, 5, 7, 9];
  assert.equal(mean(v), 5);
  close(sampleStd(v), Math.sqrt(32 / 7), 1e-15);
  assert.ok(Number.isNaN(sampleStd([1])));
  assert.ok(Number.isNaN(mean([])));
});

test('t quantiles match closed forms for df 1 and 2', () => {
  for (const p of [0.9, 0.95, 0.975, 0.995]) {
    close(studentTQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)), 1e-9);
    close(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-9);
  }
  close(studentTQuantile(0.975, 1), 12.706204736, 1e-8);
  close(studentTQuantile(0.975, 2), 4.302652730, 1e-8);
});

test('t quantiles match published table values (97.5%)', () => {
  // Standard two-sided 95% critical values.
  const table: Array<[number, number]> = [
    [3, 3.182446],
    [4, 2.776445],
    [5, 2.570582],
    [9, 2.262157],
    [10, 2.228139],
    [20, 2.085963],
    [29, 2.045230],
    [30, 2.042272],
    [60, 2.000298],
    [120, 1.979930],
  ];
  for (const [df, t] of table) close(studentTQuantile(0.975, df), t, 2e-6);
  close(studentTQuantile(0.975, 1e7), 1.959964, 1e-5); // → normal quantile
  close(studentTQuantile(0.025, 9), -2.262157, 2e-6);
  assert.equal(studentTQuantile(0.5, 4), 0);
});

test('t CDF is a CDF: symmetric, monotone, inverse of the quantile', () => {
  close(studentTCdf(0, 7), 0.5, 1e-15);
  for (const df of [1, 3, 12.5, 40]) {
    for (const x of [-3, -0.5, 0.7, 2.2]) {
      close(studentTCdf(x, df) + studentTCdf(-x, df), 1, 1e-12);
      close(studentTQuantile(studentTCdf(x, df), df), x, 1e-9);
    }
  }
  assert.throws(() => studentTQuantile(1, 3));
  assert.throws(() => studentTQuantile(0.9, 0));
});

test('summarize gives the Student-t 95% interval, none for a single value', () => {
  const s = summarize([0.5, 0.6, 0.7]);
  close(s.mean, 0.6, 1e-15);
  close(s.std ?? NaN, 0.1, 1e-15);
  const half = ((2 * 0.975 - 1) / Math.sqrt(2 * 0.975 * 0.025)) * (0.1 / Math.sqrt(3)); // t(0.975, 2) closed form
  close(s.ci95?.low ?? NaN, 0.6 - half, 1e-9);
  close(s.ci95?.high ?? NaN, 0.6 + half, 1e-9);
  assert.equal(s.min, 0.5);
  assert.equal(s.max, 0.7);
  assert.deepEqual(summarize([0.4]), { count: 1, mean: 0.4, std: null, ci95: null, min: 0.4, max: 0.4 });
  assert.throws(() => summarize([]));
});

const metrics = (role: EvalMetrics['role'], accuracy: number, extra: Partial<EvalMetrics> = {}): EvalMetrics => ({
  role,
  count: 100,
  accuracy,
  mcc: accuracy - 0.5,
  macroF1: accuracy - 0.1,
  majority: 0.69,
  ...extra,
});

const record = (method: MethodId, n: number, dataSeed: number, status: 'finished' | 'failed', acc: [number, number] | null, finishedAt = '2026-01-01T00:00:00Z'): TrialRecord => ({
  key: `opt-125m/cola/${method}/${n}/${dataSeed}/0`,
  status,
  config: { model: 'opt-125m', task: 'cola', method, n, dataSeed, modelSeed: 0 },
  trainLoss: [],
  metrics: acc ? { 'cola-in-domain-dev': metrics('in-domain', acc[0]), 'cola-ood-dev': metrics('ood', acc[1], method === 'icl' ? { truncated: 2 } : {}) } : {},
  wallTimeS: 1,
  peakMemoryBytes: 1,
  trainableParams: 1,
  provider: 'cpu',
  error: status === 'failed' ? { message: 'loss became NaN', kind: 'nan', step: 3 } : undefined,
  finishedAt,
});

test('aggregation per cell over seeds, failures counted separately, reruns deduplicated', () => {
  const records: TrialRecord[] = [
    record('pbft', 16, 0, 'finished', [0.7, 0.6]),
    record('pbft', 16, 1, 'finished', [0.8, 0.5]),
    record('pbft', 16, 2, 'failed', null), // seed 2 failed first …
    record('pbft', 16, 2, 'finished', [0.9, 0.4]), // … and finished on the rerun
    record('pbft', 16, 3, 'failed', null),
    record('icl', 16, 0, 'finished', [0.6, 0.6]),
    record('vanilla', 2, 0, 'failed', null),
  ];
  assert.equal(latestRecords(records).length, 6);

  const { cells, failures } = aggregateTrials(records);
  assert.deepEqual(cells.map((c) => [c.method, c.n, c.evalSet]), [
    ['icl', 16, 'cola-in-domain-dev'],
    ['icl', 16, 'cola-ood-dev'],
    ['pbft', 16, 'cola-in-domain-dev'],
    ['pbft', 16, 'cola-ood-dev'],
  ]);
  const pbftIn = cells[2];
  assert.equal(pbftIn.role, 'in-domain');
  assert.equal(pbftIn.finished, 3);
  assert.equal(pbftIn.failed, 1);
  close(pbftIn.accuracy.mean, 0.8, 1e-12);
  close(pbftIn.accuracy.std ?? NaN, 0.1, 1e-12);
  close(pbftIn.mcc.mean, 0.3, 1e-12);
  close(pbftIn.macroF1.mean, 0.7, 1e-12);
  assert.equal(pbftIn.majority, 0.69);
  assert.equal(pbftIn.truncated, undefined);
  close(cells[3].accuracy.mean, 0.5, 1e-12);

  const iclOod = cells[1];
  assert.equal(iclOod.finished, 1);
  assert.equal(iclOod.accuracy.std, null);
  assert.equal(iclOod.truncated, 2);

  assert.deepEqual(
    failures.map((f) => [f.method, f.n, f.failed, f.kinds]),
    [
      ['pbft', 16, 1, { nan: 1 }],
      ['vanilla', 2, 1, { nan: 1 }],
    ],
  );
});
