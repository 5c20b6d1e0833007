// The scale-out check of issue 9 with the real runner: one experiment run on this machine with
// `node dist/cli.js run`, and the same experiment as 3 Slurm array tasks on the test cluster, with
// shard 1 cancelled mid-run and resubmitted alone. The merged Slurm store must hold exactly the
// grid's trials, none twice, each equal to the single-machine run's (same keys; configs, losses
// and metrics identical: both runs use one thread, so they do the same arithmetic in the same
// order — the test compares exactly and lists every difference if that ever stops holding).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ExperimentSpec } from '../../protocol/experiment';
import type { TrialRecord } from '../../protocol/results';
import { expandGrid, parseShard, readManifest, readRunTrials, shardTrials } from '../../server/core/experiment';
import { planSlurmRun, submitSlurmRun } from '../../server/cluster/slurm';
import { cancelSlurmTask } from '../../server/cluster/slurmQueue';
import { readRunStatus } from '../../server/cluster/status';
import { formatRunStatus } from '../../server/cluster/statusFormat';
import { leftoverSlurmProcesses, startSlurmCluster, type SlurmTestCluster } from './cluster';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const EXPERIMENT = join(ROOT, 'test', 'fixtures', 'experiments', 'slurm-grid.ftlab.yaml');
const LOCAL_RUN = '20260101-000000-local';
const SLURM_RUN = '20260101-000000-slurm';
const SHARDS = 3;
const KILLED_SHARD = 1;
const JOB_TIMEOUT_MS = 20 * 60_000;

let cluster: SlurmTestCluster | undefined;
const timings: Record<string, number> = {};

after(async () => {
  if (cluster) timings.teardownMs = await cluster.stop();
  console.log(`slurm grid timings (ms): ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])))}`);
  assert.deepEqual(leftoverSlurmProcesses(), [], 'no Slurm daemon or job step may outlive the test');
});

function timed<T>(name: string, body: () => T): T {
  const t0 = performance.now();
  try {
    return body();
  } finally {
    timings[name] = performance.now() - t0;
  }
}

function lastLines(text: string, n = 25): string {
  return text.trim().split('\n').slice(-n).join('\n');
}

function lineCount(path: string): number {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l.endsWith('}')).length : 0;
}

/** What must agree between the two runs: everything a trial computes, nothing about where or when. */
function outcome(r: TrialRecord) {
  return { status: r.status, config: r.config, trainLoss: r.trainLoss, metrics: r.metrics, trainableParams: r.trainableParams, error: r.error?.message };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the grid run as 3 Slurm shards, one killed and resubmitted, equals the single-machine run trial for trial', async (t) => {
  const build = timed('buildMs', () => spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' }));
  assert.equal(build.status, 0, `node scripts/build.mjs failed:\n${lastLines(build.stderr + build.stdout)}`);
  assert.ok(existsSync(CLI), `the build made no ${CLI}`);

  const work = mkdtempSync(join(tmpdir(), 'ftlab-slurm-grid-'));
  t.diagnostic(`results under ${work}`);
  const localResults = join(work, 'local');
  const local = timed('localRunMs', () =>
    spawnSync(process.execPath, [CLI, 'run', EXPERIMENT, '--results-dir', localResults, '--run-id', LOCAL_RUN], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, FTLAB_THREADS: '1', OMP_NUM_THREADS: '1' },
    }),
  );
  assert.equal(
    local.status,
    0,
    `\`node dist/cli.js run <experiment> --results-dir <dir> --run-id <id>\` failed (exit ${local.status}): the runner CLI is missing or broken.\n${lastLines(local.stderr + local.stdout)}`,
  );
  const localRunDir = join(localResults, LOCAL_RUN);
  const grid = expandGrid(readManifest(localRunDir).spec as ExperimentSpec);
  const localTrials = readRunTrials(localRunDir).trials;
  assert.deepEqual(localTrials.map((r) => r.key).sort(), grid.map((g) => g.key).sort(), 'the single-machine run covers the grid');
  const killedShare = shardTrials(grid, parseShard(`${KILLED_SHARD}/${SHARDS}`));
  assert.ok(killedShare.length >= 2, 'the killed shard needs two trials or more, to be killed between them');

  cluster = await startSlurmCluster();
  timings.clusterStartMs = cluster.startMs;
  const slurmResults = join(work, 'slurm');
  const slurmRunDir = join(slurmResults, SLURM_RUN);
  const options = { experimentPath: EXPERIMENT, shards: SHARDS, resultsDir: slurmResults, runId: SLURM_RUN, cliPath: CLI, cpusPerTask: 1, logDir: join(work, 'logs') };
  const s0 = performance.now();
  const first = await submitSlurmRun(planSlurmRun(options));
  timings.submitMs = performance.now() - s0;

  // Kill the shard once it has stored its first trial and is working on the next.
  const killedLog = join(slurmRunDir, `trials.${KILLED_SHARD}of${SHARDS}.jsonl`);
  await cluster.waitForTaskState(first.jobId, KILLED_SHARD, ['RUNNING'], JOB_TIMEOUT_MS);
  while (lineCount(killedLog) < 1) {
    const task = (await readRunStatus(slurmRunDir)).slurm?.shards[KILLED_SHARD].task;
    if (task?.state !== 'RUNNING') {
      const log = join(work, 'logs', `slurm-${first.jobId}_${KILLED_SHARD}.out`);
      assert.fail(`shard ${KILLED_SHARD} is ${task?.state} before storing a trial; its log:\n${existsSync(log) ? lastLines(readFileSync(log, 'utf8')) : '(none)'}\n${cluster.logs()}`);
    }
    await sleep(50);
  }
  await cancelSlurmTask(first.jobId, KILLED_SHARD);
  timings.firstArrayMs = await cluster.waitForJob(first.jobId, JOB_TIMEOUT_MS);
  const afterKill = await readRunStatus(slurmRunDir);
  assert.equal(afterKill.slurm?.shards[KILLED_SHARD].task?.state, 'CANCELLED');
  const storedBeforeKill = lineCount(killedLog);
  assert.ok(storedBeforeKill < killedShare.length, `shard ${KILLED_SHARD} was cancelled before finishing (${storedBeforeKill} of ${killedShare.length} trials stored)`);
  for (const line of `after the kill:\n${formatRunStatus(afterKill)}`.trimEnd().split('\n')) t.diagnostic(line);

  const r0 = performance.now();
  const second = await submitSlurmRun(planSlurmRun({ ...options, shardIndices: [KILLED_SHARD] }));
  timings.resubmitWaitMs = await cluster.waitForJob(second.jobId, JOB_TIMEOUT_MS);
  timings.resubmitMs = performance.now() - r0;

  const status = await readRunStatus(slurmRunDir);
  for (const line of formatRunStatus(status).trimEnd().split('\n')) t.diagnostic(line);
  assert.deepEqual(status.slurm?.shards.map((s) => s.task?.state), ['COMPLETED', 'COMPLETED', 'COMPLETED'], formatRunStatus(status));
  assert.deepEqual([status.failed, status.running, status.pending], [[], [], []]);
  assert.deepEqual(status.duplicateFinishedKeys, [], 'nothing duplicated');

  const { trials: slurmTrials, history } = readRunTrials(slurmRunDir);
  assert.deepEqual(slurmTrials.map((r) => r.key).sort(), grid.map((g) => g.key).sort(), 'nothing lost: the merged store covers the grid');
  t.diagnostic(`${history.length} records for ${slurmTrials.length} trials (a record of the interrupted trial, if the runner wrote one, is a failure the retry replaced)`);
  const byKey = new Map(localTrials.map((r) => [r.key, r]));
  const differences = slurmTrials.filter((r) => JSON.stringify(outcome(r)) !== JSON.stringify(outcome(byKey.get(r.key)!)));
  assert.deepEqual(
    differences.map((r) => ({ key: r.key, slurm: outcome(r), local: outcome(byKey.get(r.key)!) })),
    [],
    'every trial of the Slurm run equals the single-machine one',
  );
  for (const r of slurmTrials) assert.match(r.shard ?? '', new RegExp(`^\\d/${SHARDS}$`), 'each record names its shard');
  t.diagnostic(`timings (ms): ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])))}`);
  rmSync(work, { recursive: true, force: true }); // kept when the test fails, for a look
});
