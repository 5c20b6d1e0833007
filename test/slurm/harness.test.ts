// The Slurm side of `ftlab submit slurm` / `ftlab status` against a real one-node cluster, with a
// stand-in for the runner (fixtures/standInCli.mjs) that only reports what it was started with:
// job ids, one array task per shard, log placement, hostile names reaching the program intact,
// Slurm states in the status view, and the cancel-one-shard-then-resubmit-it cycle.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { planSlurmRun, slurmLogPath, submitSlurmRun, type SlurmSubmitOptions } from '../../server/cluster/slurm';
import { readClusterRecord } from '../../server/cluster/clusterRecord';
import { cancelSlurmTask } from '../../server/cluster/slurmQueue';
import { readRunStatus, shardsToResubmit } from '../../server/cluster/status';
import { formatRunStatus } from '../../server/cluster/statusFormat';
import { statusCommand, submitSlurmCommand } from '../../server/cluster/commands';
import { leftoverSlurmProcesses, startSlurmCluster, type SlurmTestCluster } from './cluster';

const STAND_IN = resolve(__dirname, 'fixtures', 'standInCli.mjs');

let cluster: SlurmTestCluster;
let work: string;
const timings: Record<string, number> = {};

before(async () => {
  cluster = await startSlurmCluster();
  timings.startMs = cluster.startMs;
  // Inside the cluster's temp folder, so every teardown path (signals included) removes it too.
  work = mkdtempSync(join(cluster.dir, 'work-'));
});

after(async () => {
  timings.stopMs = await cluster.stop();
  console.log(`slurm harness timings (ms): ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])))}`);
  assert.deepEqual(leftoverSlurmProcesses(), [], 'no Slurm daemon or job step may outlive the test');
});

/** The JSON line the stand-in printed into a task's log (after the script's own banner line). */
function standInReport(logPath: string): { args: string[]; taskId: string; jobId: string; threads: string; ompThreads: string } {
  const line = readFileSync(logPath, 'utf8').split('\n').find((l) => l.startsWith('{'));
  assert.ok(line, `no stand-in report in ${logPath}`);
  return JSON.parse(line);
}

function options(base: string, runId: string, extra: Partial<SlurmSubmitOptions> = {}): SlurmSubmitOptions {
  const experimentDir = join(base, 'experiments');
  mkdirSync(experimentDir, { recursive: true });
  const experimentPath = join(experimentDir, 'exp.ftlab.yaml');
  writeFileSync(experimentPath, '# not read by the stand-in\n');
  return {
    experimentPath,
    shards: 3,
    resultsDir: join(base, 'results'),
    runId,
    logDir: join(base, 'logs'),
    cliPath: STAND_IN,
    nodeCommand: process.execPath,
    cpusPerTask: 1,
    ...extra,
  };
}

test('a 3-shard array runs one task per shard; hostile names reach the program intact', async (t) => {
  // Every character a shell would act on, in each user-chosen path that reaches the script (run
  // ids are the store's own format, letters, digits and '-').
  const hostile = join(work, `it's "here" $(echo INJECTED) \`echo TICK\` ; & | $HOME *`);
  const experimentDir = join(hostile, 'exp\nsecond line #SBATCH --array=9');
  mkdirSync(experimentDir, { recursive: true });
  const experimentPath = join(experimentDir, `o'brien $(echo X).ftlab.yaml`);
  writeFileSync(experimentPath, '# not read by the stand-in\n');
  const resultsDir = join(hostile, 'shared results');
  const logDir = join(work, `logs with 'quotes' $USER (and parens)`);
  const runId = '20260101-000000-hostile-paths';

  const t0 = performance.now();
  const plan = planSlurmRun({ experimentPath, shards: 3, resultsDir, runId, logDir, cliPath: STAND_IN, nodeCommand: process.execPath, cpusPerTask: 1 });
  const submission = await submitSlurmRun(plan);
  timings.submitMs = performance.now() - t0;
  assert.match(submission.jobId, /^\d+$/);
  timings.firstArrayWaitMs = await cluster.waitForJob(submission.jobId);
  t.diagnostic(`job ${submission.jobId}: submit ${Math.round(timings.submitMs)} ms, run ${Math.round(timings.firstArrayWaitMs)} ms`);

  for (let i = 0; i < 3; i++) {
    const log = join(logDir, `slurm-${submission.jobId}_${i}.out`);
    assert.equal(slurmLogPath(submission.record, i), log);
    assert.ok(existsSync(log), `Slurm wrote ${log}`);
    assert.match(readFileSync(log, 'utf8'), new RegExp(`^ftlab shard ${i}/3 on .* \\(job ${submission.jobId}_${i}, 1 thread\\(s\\)\\)$`, 'm'));
    const report = standInReport(log);
    assert.deepEqual(report.args, ['run', experimentPath, '--shard', `${i}/3`, '--results-dir', resultsDir, '--run-id', runId]);
    assert.equal(report.taskId, String(i));
    assert.equal(report.jobId, submission.jobId);
    assert.equal(report.threads, '1', 'threads follow --cpus-per-task');
    assert.equal(report.ompThreads, '1');
  }

  const runDir = join(resultsDir, runId);
  const record = await readClusterRecord(runDir);
  assert.equal(record?.submissions.length, 1);
  assert.equal(readFileSync(submission.scriptPath, 'utf8'), plan.script, 'the submitted script is kept in the run folder');

  const status = await readRunStatus(runDir);
  assert.deepEqual(
    status.slurm?.shards.map((s) => [s.shardIndex, s.task?.state, s.task?.exitCode]),
    [[0, 'COMPLETED', '0:0'], [1, 'COMPLETED', '0:0'], [2, 'COMPLETED', '0:0']],
  );
  assert.match(formatRunStatus(status), new RegExp(`shard 2  ${submission.jobId}_2\\s+COMPLETED  exit 0:0`));
});

test('one shard cancelled mid-run is resubmitted alone and completes', async (t) => {
  const base = join(work, 'resubmit');
  const opts = options(base, '20260101-000000-resubmit');
  process.env.STANDIN_SLOW_SHARD = '1';
  const first = await submitSlurmRun(planSlurmRun(opts));
  delete process.env.STANDIN_SLOW_SHARD; // sbatch copied the environment at submission

  await cluster.waitForTaskState(first.jobId, 1, ['RUNNING']);
  const runDir = join(opts.resultsDir!, '20260101-000000-resubmit');
  const midRun = await readRunStatus(runDir);
  assert.equal(midRun.slurm?.shards[1].task?.state, 'RUNNING');

  const c0 = performance.now();
  await cancelSlurmTask(first.jobId, 1);
  await cluster.waitForJob(first.jobId);
  timings.cancelMs = performance.now() - c0;
  const cancelled = await readRunStatus(runDir);
  assert.deepEqual(cancelled.slurm?.shards.map((s) => s.task?.state), ['COMPLETED', 'CANCELLED', 'COMPLETED']);
  assert.deepEqual(shardsToResubmit(cancelled), [1]);
  assert.match(formatRunStatus(cancelled), /--run-id 20260101-000000-resubmit --shards 3 --shard-indices 1/);

  // The shard count comes from the run's record when not given again.
  const second = await submitSlurmRun(planSlurmRun({ ...opts, shards: undefined, shardIndices: [1] }));
  assert.match(second.script, /^#SBATCH --array=1$/m);
  assert.notEqual(second.scriptPath, first.scriptPath, 'each submission keeps its own script');
  timings.resubmitWaitMs = await cluster.waitForJob(second.jobId);
  t.diagnostic(`cancel ${Math.round(timings.cancelMs)} ms, resubmitted shard ran in ${Math.round(timings.resubmitWaitMs)} ms`);

  const done = await readRunStatus(runDir);
  assert.deepEqual(
    done.slurm?.shards.map((s) => [s.submission.jobId, s.task?.state]),
    [[first.jobId, 'COMPLETED'], [second.jobId, 'COMPLETED'], [first.jobId, 'COMPLETED']],
  );
  assert.deepEqual(shardsToResubmit(done), []);
  assert.deepEqual(standInReport(join(opts.logDir!, `slurm-${second.jobId}_1.out`)).args.slice(2, 4), ['--shard', '1/3']);
  assert.equal((await readClusterRecord(runDir))?.submissions.length, 2);

  // A resubmission that shards differently would mean other trials for "shard 1": refused.
  await assert.rejects(submitSlurmRun(planSlurmRun({ ...opts, shards: 4, shardIndices: [1] })), /submitted with 3 shards/);
});

test('`ftlab submit slurm` prints the job id first, and `ftlab status` follows the run', async () => {
  const base = join(work, 'command');
  mkdirSync(base, { recursive: true });
  // A valid experiment (the command validates before submitting) that needs no local model.
  writeFileSync(join(base, 'tiny.ftlab.yaml'), 'name: tiny\nmodels: [facebook/opt-125m]\ntasks: [cola]\nmethods: [pbft]\nn: [2]\nseeds: 2\n');
  const out: string[] = [];
  const ctx = { cliPath: STAND_IN, cwd: base, print: (text: string) => out.push(text) };
  await submitSlurmCommand(['tiny.ftlab.yaml', '--shards', '2', '--node', process.execPath, '--log-dir', 'logs', '--run-id', '20260101-000000-tiny'], ctx);
  const jobId = out.join('').split('\n')[0];
  assert.match(jobId, /^\d+$/, 'the first line is the job id alone, for scripts');
  assert.match(out.join(''), /follow: {2}ftlab status 20260101-000000-tiny\n/);
  await cluster.waitForJob(jobId);
  out.length = 0;
  await statusCommand(['20260101-000000-tiny'], ctx);
  assert.match(out.join(''), new RegExp(`shard 1  ${jobId}_1\\s+COMPLETED  exit 0:0  log ${join(base, 'logs')}/slurm-${jobId}_1.out`));
});
