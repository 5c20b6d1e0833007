// The synthetic results fixture (test/fixtures/results, see generate.ts there) read plainly, and
// the statistics the tests expect, computed here independently of webview/stats.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../../protocol/lsp';
import type { RunManifest, TrialRecord } from '../../protocol/results';

export const FIXTURE_DIR = join(__dirname, '..', 'fixtures', 'results');
export const RUN_DIR = join(FIXTURE_DIR, 'synthetic-run');

export function loadFixture(dir = RUN_DIR): { manifest: RunManifest; trials: TrialRecord[] } {
  const manifest = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunManifest;
  const trials = readFileSync(join(dir, 'trials.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TrialRecord);
  return { manifest, trials };
}

export function summaryOf(manifest: RunManifest, trials: readonly TrialRecord[], state: RunSummary['state'] = 'finished'): RunSummary {
  const failed = trials.filter((t) => t.status === 'failed').length;
  return { runId: manifest.runId, runDir: `/runs/${manifest.runId}`, manifest, state, finishedTrials: trials.length - failed, failedTrials: failed };
}

/** Student t 0.975 quantiles in closed form: df 1 is Cauchy (tan), df 2 solves t / √(2 + t²) = 0.95. */
export function t975(df: number): number {
  if (df === 1) return Math.tan(Math.PI * 0.475);
  if (df === 2) return Math.sqrt((2 * 0.95 ** 2) / (1 - 0.95 ** 2));
  throw new Error(`the fixture has only 2 or 3 seeds per cell, not ${df + 1}`);
}

export interface Expected {
  seeds: number;
  failed: number;
  mean: number;
  std: number;
  ciLow: number;
  ciHigh: number;
}

/** Mean, sample std and 95% CI of one metric of one cell, straight from the records. */
export function expectedCell(
  trials: readonly TrialRecord[],
  cell: { model: string; method: string; n: number; evalSet: string; metric: 'accuracy' | 'mcc' | 'macroF1' },
): Expected {
  const group = trials.filter((t) => t.config.model === cell.model && t.config.method === cell.method && t.config.n === cell.n);
  const values = group.filter((t) => t.status === 'finished').map((t) => t.metrics[cell.evalSet]![cell.metric]);
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  const std = Math.sqrt(squares / (values.length - 1));
  const half = (t975(values.length - 1) * std) / Math.sqrt(values.length);
  return { seeds: values.length, failed: group.length - values.length, mean, std, ciLow: mean - half, ciHigh: mean + half };
}

export function meanOf(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function close(actual: number, expected: number, tolerance = 1e-9): boolean {
  return Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));
}
