// `ftlab report` on a store written by hand, against numbers computed by hand: means and sample
// standard deviations over seeds, the [k/S] mark of incomplete cells, failed trials counted and
// listed, the majority-class row, a torn last line skipped with a note; JSON and CSV alike.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvalMetrics, RunManifest, TrialError, TrialRecord } from '../../protocol/results';
import { runCliInProcess } from './lib/cliProcess';

const RUN_ID = '20260101-120000-hand';

function metrics(role: EvalMetrics['role'], accuracy: number, majority: number): EvalMetrics {
  return { role, count: 100, accuracy, mcc: accuracy - 0.5, macroF1: accuracy - 0.1, majority };
}

function record(method: 'vanilla' | 'lora', n: number, seed: number, id?: number, ood?: number, error?: TrialError): TrialRecord {
  return {
    key: `tiny|cola|${method}|${n}|${seed}|${seed}|abcd1234`,
    status: error ? 'failed' : 'finished',
    config: { model: 'tiny', task: 'cola', method, n, dataSeed: seed, modelSeed: seed },
    trainLoss: error ? [] : [0.7, 0.5],
    metrics: error ? {} : { 'cola-in-domain-dev': metrics('in-domain', id!, 0.7), 'cola-ood-dev': metrics('ood', ood!, 0.6) },
    wallTimeS: 1,
    peakMemoryBytes: 1,
    trainableParams: 1,
    provider: 'cpu',
    ...(error ? { error } : {}),
    finishedAt: `2026-01-01T12:00:0${seed}.000Z`,
  };
}

/** A results folder with one run: 2 methods × n ∈ {2, 8} × 3 seeds = 12 trials, 9 recorded. */
function handStore(): string {
  const resultsDir = mkdtempSync(join(tmpdir(), 'ftlab-report-'));
  const runDir = join(resultsDir, RUN_ID);
  mkdirSync(runDir);
  const manifest: RunManifest = {
    runId: RUN_ID,
    createdAt: '2026-01-01T12:00:00.000Z',
    experimentPath: '/experiments/hand.ftlab.yaml',
    spec: { name: 'hand', seeds: [{ dataSeed: 0, modelSeed: 0 }, { dataSeed: 1, modelSeed: 1 }, { dataSeed: 2, modelSeed: 2 }] },
    totalTrials: 12,
    versions: { ftlab: '0.1.0', onnxruntime: '1.30.0', node: '20' },
    provider: 'cpu',
    machine: { platform: 'linux', arch: 'x64', cpus: 2, memoryBytes: 1, hostname: 'test' },
  };
  writeFileSync(join(runDir, 'run.json'), JSON.stringify(manifest));
  const records = [
    record('vanilla', 2, 0, 0.5, 0.4),
    record('vanilla', 2, 1, 0.6, 0.4),
    record('vanilla', 2, 2, 0.7, 0.46),
    record('vanilla', 8, 0, 0.8, 0.5),
    record('vanilla', 8, 1, 0.9, 0.52),
    record('lora', 2, 0, 0.55, 0.3),
    record('lora', 2, 1, 0.65, 0.3),
    record('lora', 2, 2, undefined, undefined, { kind: 'oom', message: 'out of memory: needed 4.0 GiB', step: 3 }),
    record('lora', 8, 0, undefined, undefined, { kind: 'crash', message: 'the trainer process was killed by SIGKILL', step: 1 }),
  ];
  // …and a torn line, as a kill during a write leaves it.
  writeFileSync(join(runDir, 'trials.jsonl'), `${records.map((r) => JSON.stringify(r)).join('\n')}\n{"key":"tiny|cola|vanilla|8|2`);
  return resultsDir;
}

/** A text table → rows of cells (columns are separated by at least three spaces). */
function tableAfter(text: string, heading: string): string[][] {
  const lines = text.split('\n');
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `no table "${heading}" in:\n${text}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    rows.push(line.split(/ {3,}/));
  }
  return rows;
}

test('the text report: mean ± std per method × n, incomplete and failed cells marked, majority row, failures listed', async () => {
  const resultsDir = handStore();
  const { code, stdout, stderr } = await runCliInProcess(['report', RUN_ID, '--results-dir', resultsDir], { cwd: '/' });
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^Run 20260101-120000-hand — hand \(\/experiments\/hand\.ftlab\.yaml\)\n12 trials: 7 finished, 2 failed, 3 not run yet · provider cpu/);

  assert.deepEqual(tableAfter(stdout, 'tiny · cola · cola-in-domain-dev (in-domain)'), [
    ['method', 'n=2', 'n=8'],
    ['Vanilla FT', '0.600 ± 0.100', '0.850 ± 0.071 [2/3]'],
    ['LoRA', '0.600 ± 0.071 [2/3] (1 failed)', '— [0/3] (1 failed)'],
    ['Majority class', '0.700', '0.700'],
  ]);
  // OOD: sd of 0.40, 0.40, 0.46 is sqrt(0.0012) = 0.0346.
  assert.deepEqual(tableAfter(stdout, 'tiny · cola · cola-ood-dev (OOD)'), [
    ['method', 'n=2', 'n=8'],
    ['Vanilla FT', '0.420 ± 0.035', '0.510 ± 0.014 [2/3]'],
    ['LoRA', '0.300 ± 0.000 [2/3] (1 failed)', '— [0/3] (1 failed)'],
    ['Majority class', '0.600', '0.600'],
  ]);
  assert.ok(stdout.indexOf('cola-in-domain-dev (in-domain)') < stdout.indexOf('cola-ood-dev (OOD)'), 'in-domain first');
  assert.match(stdout, /Failed trials \(2;/);
  assert.match(stdout, /lora n=2 seed 2 · cola · tiny: oom at step 3: out of memory: needed 4\.0 GiB/);
  assert.match(stdout, /lora n=8 seed 0 · cola · tiny: crash at step 1: the trainer process was killed by SIGKILL/);
  assert.match(stdout, /note: trials\.jsonl: line 10 is incomplete/);

  const mcc = await runCliInProcess(['report', RUN_ID, '--results-dir', resultsDir, '--metric', 'mcc'], { cwd: '/' });
  assert.deepEqual(tableAfter(mcc.stdout, 'tiny · cola · cola-in-domain-dev (in-domain)')[1], ['Vanilla FT', '0.100 ± 0.100', '0.350 ± 0.071 [2/3]']);
  assert.deepEqual(tableAfter(mcc.stdout, 'tiny · cola · cola-in-domain-dev (in-domain)')[3], ['Majority class (acc.)', '0.700', '0.700']);
});

test('--json holds every cell with mean, std and the 95% CI; --csv one row per cell', async () => {
  const resultsDir = handStore();
  const json = await runCliInProcess(['report', join(resultsDir, RUN_ID), '--json'], { cwd: '/' });
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout);
  assert.deepEqual(report.counts, { finished: 7, failed: 2, pending: 3 });
  assert.equal(report.cells.length, 6);
  const cell = report.cells.find((c: { method: string; n: number; evalSet: string }) => c.method === 'vanilla' && c.n === 2 && c.evalSet === 'cola-in-domain-dev');
  assert.ok(Math.abs(cell.accuracy.mean - 0.6) < 1e-12);
  assert.ok(Math.abs(cell.accuracy.std - 0.1) < 1e-12);
  // t(0.975, df 2) = 4.302653; half-width 4.302653 · 0.1 / √3.
  assert.ok(Math.abs(cell.accuracy.ci95.low - (0.6 - (4.302653 * 0.1) / Math.sqrt(3))) < 1e-6);
  assert.equal(cell.finished, 3);
  assert.ok(Math.abs(cell.majority - 0.7) < 1e-12);
  const lora = report.cells.find((c: { method: string; n: number; evalSet: string }) => c.method === 'lora' && c.n === 2 && c.evalSet === 'cola-ood-dev');
  assert.equal(lora.failed, 1);
  assert.deepEqual(report.failures.map((f: { method: string; n: number; kinds: object }) => [f.method, f.n, f.kinds]), [
    ['lora', 2, { oom: 1 }],
    ['lora', 8, { crash: 1 }],
  ]);
  assert.equal(report.warnings.length, 1);

  const csv = await runCliInProcess(['report', RUN_ID, '--results-dir', resultsDir, '--csv'], { cwd: '/' });
  const lines = csv.stdout.trim().split('\n');
  assert.equal(lines.length, 7);
  const header = lines[0].split(',');
  const row = lines.map((l) => l.split(',')).find((r) => r[4] === 'vanilla' && r[5] === '8' && r[3] === 'in-domain')!;
  const at = (name: string) => row[header.indexOf(name)];
  assert.equal(Number(at('accuracy_mean')).toFixed(6), '0.850000');
  assert.equal(Number(at('accuracy_std')).toFixed(6), (Math.SQRT2 * 0.05).toFixed(6));
  assert.equal(at('finished'), '2');
});

test('a report of the newest run when none is named, and a usage error for an unknown one', async () => {
  const resultsDir = handStore();
  const newest = await runCliInProcess(['report'], { cwd: '/', env: { FTLAB_RESULTS_DIR: resultsDir } });
  assert.equal(newest.code, 0, newest.stderr);
  assert.match(newest.stdout, /^Run 20260101-120000-hand/);
  const unknown = await runCliInProcess(['report', 'nope', '--results-dir', resultsDir], { cwd: '/' });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no run "nope"/);
  const both = await runCliInProcess(['report', RUN_ID, '--json', '--csv', '--results-dir', resultsDir], { cwd: '/' });
  assert.equal(both.code, 2);
});
