// `ftlab status` from a run folder: shard trial logs merged by key through the store (a
// resubmitted shard's retry beats its failure, a duplicate finished record is flagged, a torn last
// line is skipped), running trials from the shards' lock files, pending trials from the grid in
// run.json, and the text view.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunManifest, TrialRecord } from '../../../protocol/results';
import { expandGrid, parseExperiment, parseShard, shardTrials } from '../../../server/core/experiment';
import { appendSubmission } from '../../../server/cluster/clusterRecord';
import { readRunStatus, resolveRunDir } from '../../../server/cluster/status';
import { formatRunStatus } from '../../../server/cluster/statusFormat';

const RUN_ID = '20260101-000000-tiny';
// A real spec, so the grid (and each shard's share) is the runner's own.
const parsed = parseExperiment('name: tiny\nmodels: [facebook/opt-125m]\ntasks: [cola]\nmethods: [pbft, icl]\nn: [2]\nseeds: 3\n', { filePath: '/exp/tiny.ftlab.yaml' });
const spec = parsed.spec!;
const grid = expandGrid(spec);
const share = (i: number) => shardTrials(grid, parseShard(`${i}/2`)).map((t) => t.key);

function record(key: string, status: 'finished' | 'failed', finishedAt: string, shard: string, accuracy = 0.5): TrialRecord {
  const trial = grid.find((t) => t.key === key)!;
  return {
    key,
    status,
    config: trial.config,
    trainLoss: status === 'finished' ? [0.7, 0.6] : [],
    metrics: status === 'finished' ? { 'cola-in-domain-dev': { role: 'in-domain', count: 10, accuracy, mcc: 0, macroF1: 0.4, majority: 0.7 } } : {},
    wallTimeS: 1,
    peakMemoryBytes: 1,
    trainableParams: 1,
    provider: 'cpu',
    ...(status === 'failed' ? { error: { kind: 'crash' as const, message: 'worker exited', step: 3 } } : {}),
    finishedAt,
    shard,
  };
}

const jsonl = (records: TrialRecord[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

function writeManifest(runDir: string): void {
  const manifest: RunManifest = {
    runId: RUN_ID,
    createdAt: '2026-01-01T00:00:00.000Z',
    experimentPath: '/exp/tiny.ftlab.yaml',
    spec,
    totalTrials: grid.length,
    versions: { ftlab: '0', onnxruntime: '1.30.0', node: process.version },
    provider: 'cpu',
    machine: { platform: 'linux', arch: 'x64', cpus: 2, memoryBytes: 1, hostname: 'h' },
  };
  writeFileSync(join(runDir, 'run.json'), JSON.stringify(manifest));
}

function withRun(body: (runDir: string, root: string) => Promise<void>): () => Promise<void> {
  return async () => {
    assert.deepEqual(parsed.diagnostics, []);
    const root = mkdtempSync(join(tmpdir(), 'ftlab-status-'));
    const runDir = join(root, '.ftlab', 'runs', RUN_ID);
    mkdirSync(runDir, { recursive: true });
    try {
      await body(runDir, root);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
}

test('shard logs merge by key: a retry beats its failure; duplicates and torn lines are reported', withRun(async (runDir) => {
  writeManifest(runDir);
  const [a, b, c] = share(0);
  const [d, e] = share(1);
  writeFileSync(join(runDir, 'trials.0of2.jsonl'), jsonl([record(a, 'finished', '2026-01-01T00:01:00Z', '0/2'), record(b, 'failed', '2026-01-01T00:02:00Z', '0/2')]));
  // Shard 1 failed on d, was resubmitted, finished d on the second attempt, and was then killed
  // while writing e.
  writeFileSync(
    join(runDir, 'trials.1of2.jsonl'),
    jsonl([record(d, 'failed', '2026-01-01T00:01:00Z', '1/2'), record(d, 'finished', '2026-01-01T00:05:00Z', '1/2', 0.75)]) + `{"key":"${e}","stat`,
  );
  // A finished record copied into the unsharded log as well: kept once, reported.
  writeFileSync(join(runDir, 'trials.jsonl'), jsonl([record(a, 'finished', '2026-01-01T00:03:00Z', '0/2')]));

  const status = await readRunStatus(runDir);
  assert.equal(status.totalTrials, 6);
  assert.deepEqual(status.finished, [a, d].sort());
  assert.deepEqual(status.failed.map((f) => [f.key, f.shard, f.error?.kind]), [[b, '0/2', 'crash']]);
  assert.deepEqual(status.pending, grid.map((t) => t.key).filter((k) => ![a, b, d].includes(k)));
  assert.ok(status.pending!.includes(c) && status.pending!.includes(e));
  assert.deepEqual(status.duplicateFinishedKeys, [a]);
  assert.equal(status.storeWarnings.length, 1);
  assert.equal(status.slurm, undefined, 'never submitted to Slurm: no scheduler view');

  const text = formatRunStatus(status, { listPending: true });
  assert.match(text, /^trials: 6 total · 2 finished · 1 failed · 0 running · 3 pending$/m);
  assert.ok(text.includes(`  ${b}  [shard 0/2]  crash: worker exited (step 3)\n`));
  assert.ok(text.includes(`pending:\n  ${status.pending!.join('\n  ')}\n`));
  assert.match(text, /warning: 1 trial\(s\) finished more than once/);
  assert.match(text, /note: trials\.1of2\.jsonl:3: /);
}));

test('a live shard lock marks its current trial running; a dead runner\'s lock does not', withRun(async (runDir) => {
  writeManifest(runDir);
  const [first, second] = share(1);
  // Shard 1 failed `first` in an earlier attempt; the live attempt started after that, so it is on
  // `first` again (failed trials rerun).
  writeFileSync(join(runDir, 'trials.1of2.jsonl'), jsonl([record(first, 'failed', '2026-01-01T00:01:00Z', '1/2')]));
  const lock = (pid: number) => ({ pid, hostname: hostname(), startedAt: '2026-01-01T00:02:00.000Z', heartbeatAt: '2026-01-01T00:03:00.000Z' });
  writeFileSync(join(runDir, 'lock.1of2.json'), JSON.stringify({ ...lock(process.pid), shard: '1/2' }));
  const exited = spawnSync(process.execPath, ['-e', '']).pid!; // a pid whose process is gone
  writeFileSync(join(runDir, 'lock.0of2.json'), JSON.stringify({ ...lock(exited), shard: '0/2' }));

  let status = await readRunStatus(runDir);
  assert.deepEqual(status.running.map((r) => [r.shard, r.key, r.pid]), [['1/2', first, process.pid]]);
  assert.ok(!status.pending!.includes(first));
  assert.match(formatRunStatus(status), new RegExp(`running:\\n  ${first.replace(/[|]/g, '\\|')}  \\[shard 1/2 on `));

  // Once `first` fails again within this attempt, the shard has moved on to `second`.
  writeFileSync(join(runDir, 'trials.1of2.jsonl'), jsonl([record(first, 'failed', '2026-01-01T00:01:00Z', '1/2'), record(first, 'failed', '2026-01-01T00:02:30Z', '1/2')]));
  status = await readRunStatus(runDir);
  assert.deepEqual(status.running.map((r) => r.key), [second]);
}));

test('a run is found by folder or id; before any shard starts only cluster.json is there', withRun(async (runDir, root) => {
  await appendSubmission(runDir, RUN_ID, {
    scheduler: 'slurm', experimentPath: '/exp/tiny.ftlab.yaml', jobId: '41', shardCount: 2, shardIndices: [0, 1],
    scriptPath: join(runDir, 'slurm', 'submit-1.sbatch'), logDir: root, submittedAt: '2026-01-01T00:00:00Z',
  });
  assert.equal(resolveRunDir(RUN_ID, '.ftlab/runs', root), runDir);
  assert.equal(resolveRunDir(runDir), runDir);
  const status = await readRunStatus(runDir, { queryScheduler: false });
  assert.equal(status.slurm, undefined);
  assert.equal(status.totalTrials, undefined);
  assert.equal(status.pending, undefined);
  assert.equal(status.runId, RUN_ID);
  assert.equal(status.experimentPath, '/exp/tiny.ftlab.yaml');
  assert.match(formatRunStatus(status), /trials: no shard has started yet · 0 finished/);
  await assert.rejects(readRunStatus(join(root, 'nope')), /no run folder/);
}));

test('the command to resubmit a failed shard carries the folders its submission was allowed', () => {
  const submission = {
    scheduler: 'slurm' as const, experimentPath: '/exp/tiny.ftlab.yaml', jobId: '41', shardCount: 2, shardIndices: [0, 1],
    scriptPath: '/runs/x/slurm/submit-1.sbatch', logDir: '/logs', allowedRoots: ['/shared/models', '/data sets'], submittedAt: '2026-01-01T00:00:00Z',
  };
  const task = (taskIndex: number, state: string) => ({ arrayJobId: '41', taskIndex, state });
  const status = {
    runId: RUN_ID, runDir: '/runs/x', experimentPath: '/exp/tiny.ftlab.yaml', finished: [], failed: [], running: [], duplicateFinishedKeys: [], storeWarnings: [], logs: [],
    slurm: {
      shardCount: 2,
      jobs: [{ arrayJobId: '41', known: true, tasks: [task(0, 'COMPLETED'), task(1, 'FAILED')] }],
      shards: [0, 1].map((i) => ({ shardIndex: i, submission, task: task(i, i === 0 ? 'COMPLETED' : 'FAILED'), logPath: `/logs/slurm-41_${i}.out` })),
    },
  };
  assert.match(
    formatRunStatus(status),
    /^resubmit the shard\(s\) that ended early: ftlab submit slurm \/exp\/tiny\.ftlab\.yaml --run-id 20260101-000000-tiny --shards 2 --shard-indices 1 --allowed-roots '\/shared\/models:\/data sets'$/m,
  );
});
