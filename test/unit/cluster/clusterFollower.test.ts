// The editor's side of "Run Fine-Tune Comparison on Cluster…" without VS Code: the answers turned
// into an ftlab/submitCluster request (extension/clusterOptions.ts), and the follower that polls
// ftlab/clusterStatus + ftlab/readRun and posts to the results panel (extension/clusterFollower.ts),
// driven through a scripted cluster run. Every message it posts must pass the webview's own
// validator, or the panel would drop it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterShardState, ClusterStatus, RunData } from '../../../protocol/lsp';
import type { RunManifest, TrialRecord } from '../../../protocol/results';
import { parseHostToWebview, type HostToWebview } from '../../../protocol/webview';
import { expandGrid, parseExperiment } from '../../../server/core/experiment';
import {
  abortableSleep,
  clusterPhase,
  describeClusterStatus,
  followClusterRun,
  runStateOf,
  type ClusterFollowDeps,
} from '../../../extension/clusterFollower';
import { checkGpusPerTask, checkImage, checkPartition, checkPvc, checkShards, checkTime, kubectlApplyCommand, submitParams } from '../../../extension/clusterOptions';

const RUN_ID = '20260101-000000-tiny';
const RUN_DIR = `/results/${RUN_ID}`;
const spec = parseExperiment('name: tiny\nmodels: [facebook/opt-125m]\ntasks: [cola]\nmethods: [pbft, icl, lora]\nn: [2]\nseeds: 2\n', { filePath: '/exp/tiny.ftlab.yaml' }).spec!;
const grid = expandGrid(spec);
const TOTAL = grid.length;

const manifest: RunManifest = {
  runId: RUN_ID,
  createdAt: '2026-01-01T00:00:00.000Z',
  experimentPath: '/exp/tiny.ftlab.yaml',
  spec,
  totalTrials: TOTAL,
  versions: { ftlab: '0.1.0', onnxruntime: '1.30.0', node: 'v20.0.0' },
  provider: 'cpu',
  machine: { platform: 'linux', arch: 'x64', cpus: 2, memoryBytes: 1e9, hostname: 'node1' },
};

function record(index: number, status: 'finished' | 'failed', finishedAt: string): TrialRecord {
  const trial = grid[index];
  return {
    key: trial.key,
    status,
    config: trial.config,
    trainLoss: status === 'finished' ? [0.7, 0.6] : [],
    metrics: status === 'finished' ? { 'cola-in-domain-dev': { role: 'in-domain', count: 10, accuracy: 0.6, mcc: 0.1, macroF1: 0.5, majority: 0.7 } } : {},
    wallTimeS: 1,
    peakMemoryBytes: 1,
    trainableParams: 1,
    provider: 'cpu',
    ...(status === 'failed' ? { error: { kind: 'crash' as const, message: 'killed', step: 2 } } : {}),
    finishedAt,
    shard: `${index % 2}/2`,
  };
}

function shard(shardIndex: number, state: string | undefined, ended: boolean): ClusterShardState {
  return { shardIndex, jobId: '42', state, ended, logPath: `/logs/slurm-42_${shardIndex}.out` };
}

/** One moment of the run: the status and the store's records (undefined: no run.json yet). */
interface Moment {
  shards: ClusterShardState[];
  trials?: TrialRecord[];
  running?: number;
  toResubmit?: number[];
}

function statusOf(m: Moment): ClusterStatus {
  const trials = m.trials;
  return {
    runId: RUN_ID,
    runDir: RUN_DIR,
    totalTrials: trials ? TOTAL : undefined,
    finished: trials?.filter((t) => t.status === 'finished').length ?? 0,
    failed: trials?.filter((t) => t.status === 'failed').length ?? 0,
    running: m.running ?? 0,
    pending: trials ? TOTAL - trials.length - (m.running ?? 0) : undefined,
    duplicates: 0,
    scheduler: 'slurm',
    shardCount: 2,
    shards: m.shards,
    shardsToResubmit: m.toResubmit ?? [],
    text: 'status text',
  };
}

/** Fake requests that walk through the moments, one per poll (the last one repeats). */
function scripted(moments: Moment[], overrides: Partial<ClusterFollowDeps> = {}) {
  let poll = 0;
  const posted: HostToWebview[] = [];
  const sleeps: number[] = [];
  const readRunCalls: number[] = [];
  const deps: ClusterFollowDeps = {
    clusterStatus: async () => statusOf(moments[Math.min(poll++, moments.length - 1)]),
    readRun: async (): Promise<RunData> => {
      const m = moments[Math.min(poll - 1, moments.length - 1)];
      readRunCalls.push(poll);
      if (!m.trials) throw new Error('no run.json');
      const finished = m.trials.filter((t) => t.status === 'finished').length;
      return {
        summary: { runId: RUN_ID, runDir: RUN_DIR, manifest, state: 'interrupted', finishedTrials: finished, failedTrials: m.trials.length - finished },
        trials: m.trials,
        warnings: [],
      };
    },
    post: (message) => posted.push(message),
    panelOpen: () => true,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  };
  return { deps, posted, sleeps, readRunCalls, polls: () => poll };
}

const running2 = [shard(0, 'RUNNING', false), shard(1, 'RUNNING', false)];

test('a run is queued, then running, then complete or ended, from its counts and its tasks', () => {
  assert.equal(clusterPhase(statusOf({ shards: [shard(0, 'PENDING', false), shard(1, 'PENDING', false)] })), 'queued');
  assert.equal(clusterPhase(statusOf({ shards: running2, trials: [], running: 2 })), 'running');
  assert.equal(clusterPhase(statusOf({ shards: running2, trials: [record(0, 'finished', 'a')] })), 'running');
  const all = grid.map((_, i) => record(i, 'finished', 'a'));
  assert.equal(clusterPhase(statusOf({ shards: running2, trials: all })), 'complete');
  const short = { shards: [shard(0, 'COMPLETED', true), shard(1, 'CANCELLED', true)], trials: all.slice(0, 3), toResubmit: [1] };
  assert.equal(clusterPhase(statusOf(short)), 'ended');
  // Tasks all failed before any shard wrote run.json: nothing will come.
  assert.equal(clusterPhase(statusOf({ shards: [shard(0, 'FAILED', true), shard(1, undefined, true)] })), 'ended');
  // No scheduler view (Kubernetes): ended only once every trial has a result.
  const k8s = (trials: TrialRecord[]) => ({ ...statusOf({ shards: [], trials }), scheduler: 'k8s' as const });
  assert.equal(clusterPhase(k8s(all.slice(0, 3))), 'running');
  assert.equal(clusterPhase(k8s([...all.slice(0, -1), record(TOTAL - 1, 'failed', 'b')])), 'ended');
  assert.deepEqual(['queued', 'running', 'complete', 'ended'].map((p) => runStateOf(p as never)), ['running', 'running', 'finished', 'interrupted']);
  assert.equal(
    describeClusterStatus(statusOf({ shards: [shard(0, 'RUNNING', false), shard(1, 'PENDING', false)], trials: all.slice(0, 2), running: 1 }), TOTAL),
    `2/${TOTAL} trials · 1 running · shards 1 RUNNING, 1 PENDING`,
  );
});

test('the follower shows the run once, then only new or replaced records, until it is complete', async () => {
  const t = (i: number, status: 'finished' | 'failed' = 'finished', at = `2026-01-01T00:00:0${i}Z`) => record(i, status, at);
  const moments: Moment[] = [
    { shards: [shard(0, 'PENDING', false), shard(1, 'PENDING', false)] },
    { shards: running2, trials: [t(0)], running: 2 },
    { shards: running2, trials: [t(0)], running: 2 }, // nothing new
    { shards: running2, trials: [t(0), t(1), t(2, 'failed')], running: 2 },
    // Shard 0's retry replaced the failure of trial 2; the rest landed.
    { shards: [shard(0, 'COMPLETED', true), shard(1, 'COMPLETED', true)], trials: grid.map((_, i) => t(i, 'finished', i === 2 ? '2026-01-02T00:00:00Z' : undefined)) },
  ];
  const run = scripted(moments);
  const outcome = await followClusterRun(run.deps, { runId: RUN_ID, runDir: RUN_DIR, totalTrials: TOTAL, intervalMs: 1234, signal: new AbortController().signal });

  assert.equal(outcome.kind, 'complete');
  assert.equal(run.polls(), 5);
  assert.deepEqual(run.sleeps, [1234, 1234, 1234, 1234], 'one wait between two polls, none after the last');
  assert.deepEqual(run.readRunCalls, [2, 3, 4, 5], 'the store is read only once run.json exists');
  for (const m of run.posted) assert.deepEqual(parseHostToWebview(m), { ok: true, message: m }, `the webview accepts ${m.type}`);

  const runData = run.posted.filter((m) => m.type === 'runData');
  assert.equal(runData.length, 1, 'the run is shown once, so a user who opened another run is not pulled back');
  assert.equal(runData[0].type === 'runData' && runData[0].summary.state, 'running', 'a run still on the cluster is shown as running, not interrupted');
  const finishedKeys = run.posted.flatMap((m) => (m.type === 'trialFinished' ? [`${m.record.key}:${m.record.status}`] : []));
  assert.deepEqual(finishedKeys, [
    `${grid[1].key}:finished`,
    `${grid[2].key}:failed`,
    ...grid.slice(2).map((g) => `${g.key}:finished`),
  ]);
  const progress = run.posted.flatMap((m) => (m.type === 'runProgress' ? [`${m.state} ${m.finishedTrials}/${m.totalTrials} ${m.failedTrials}`] : []));
  assert.deepEqual(progress, [`running 0/${TOTAL} 0`, `running 1/${TOTAL} 0`, `running 2/${TOTAL} 1`, `finished ${TOTAL}/${TOTAL} 0`], 'progress only when it changed');
});

test('a run whose tasks all ended short stops the follower with the shards to resubmit', async () => {
  const short: Moment = { shards: [shard(0, 'COMPLETED', true), shard(1, 'CANCELLED', true)], trials: [record(0, 'finished', 'a'), record(2, 'finished', 'b')], toResubmit: [1] };
  const run = scripted([short]);
  const outcome = await followClusterRun(run.deps, { runId: RUN_ID, runDir: RUN_DIR, totalTrials: TOTAL, signal: new AbortController().signal });
  assert.equal(outcome.kind, 'ended');
  const last = run.posted.at(-1)!;
  assert.equal(last.type, 'runProgress');
  assert.equal(last.type === 'runProgress' && last.state, 'interrupted');
  assert.equal(last.type === 'runProgress' && last.error, `${TOTAL - 2} trials not finished; shard 1 ended early and can be resubmitted`);
});

test('Cancel, a closed panel, and failing polls stop the follower; a passing failure does not', async () => {
  const forever: Moment[] = [{ shards: running2, trials: [], running: 2 }];

  const abort = new AbortController();
  const cancelled = scripted(forever, { onStatus: () => abort.abort() });
  const c = await followClusterRun(cancelled.deps, { runId: RUN_ID, runDir: RUN_DIR, totalTrials: TOTAL, signal: abort.signal });
  assert.deepEqual([c.kind, cancelled.polls(), cancelled.sleeps.length], ['cancelled', 1, 0]);

  let open = true;
  const closing = scripted(forever, { panelOpen: () => open, sleep: async () => void (open = false) });
  const p = await followClusterRun(closing.deps, { runId: RUN_ID, runDir: RUN_DIR, totalTrials: TOTAL, signal: new AbortController().signal });
  assert.deepEqual([p.kind, closing.polls()], ['panelClosed', 1]);

  // Two failures (a server restart), then answers again: the follower goes on to the end.
  let calls = 0;
  const errors: unknown[] = [];
  const base = scripted([{ shards: [shard(0, 'COMPLETED', true), shard(1, 'COMPLETED', true)], trials: grid.map((_, i) => record(i, 'finished', 'a')) }]);
  const flaky = { ...base.deps, clusterStatus: (dir: string) => (++calls <= 2 ? Promise.reject(new Error('server restarting')) : base.deps.clusterStatus(dir)), onError: (e: unknown) => errors.push(e) };
  const f = await followClusterRun(flaky, { runId: RUN_ID, runDir: RUN_DIR, totalTrials: TOTAL, signal: new AbortController().signal });
  assert.deepEqual([f.kind, errors.length], ['complete', 2]);

  const broken = { ...base.deps, clusterStatus: () => Promise.reject(new Error('no run folder')) };
  const b = await followClusterRun(broken, { runId: RUN_ID, runDir: RUN_DIR, totalTrials: TOTAL, signal: new AbortController().signal, maxConsecutiveErrors: 3 });
  assert.deepEqual(b, { kind: 'failed', error: 'no run folder', status: undefined });
});

test('the wait between polls ends early when the user cancels', async () => {
  const abort = new AbortController();
  const t0 = performance.now();
  setTimeout(() => abort.abort(), 20);
  await abortableSleep(10_000, abort.signal);
  assert.ok(performance.now() - t0 < 2000);
});

test('the answers are checked as typed and become the submitCluster request', () => {
  assert.equal(checkShards('3'), undefined);
  for (const bad of ['0', '-1', '2.5', 'two', '', '1001']) assert.ok(checkShards(bad), `shards "${bad}" is refused`);
  assert.equal(checkPartition(''), undefined);
  assert.equal(checkPartition('gpu,gpu-long'), undefined);
  assert.ok(checkPartition('gpu long'));
  assert.equal(checkGpusPerTask('a100:2'), undefined);
  assert.ok(checkGpusPerTask('0'));
  assert.equal(checkTime('1-12:00'), undefined);
  assert.ok(checkTime('12h'));
  assert.ok(checkImage(''));
  assert.ok(checkImage('my image'));
  assert.ok(checkPvc('Results'));

  assert.deepEqual(submitParams('file:///w/e.ftlab.yaml', { scheduler: 'slurm', shards: ' 3 ', partition: 'gpu', gpusPerTask: '1', time: '' }), {
    experimentUri: 'file:///w/e.ftlab.yaml',
    scheduler: 'slurm',
    shards: 3,
    partition: 'gpu',
    gpusPerTask: 1,
  });
  assert.deepEqual(submitParams('file:///w/e.ftlab.yaml', { scheduler: 'slurm', shards: '2', gpusPerTask: 'a100:1' }, true).gpusPerTask, 'a100:1');
  assert.deepEqual(submitParams('file:///w/e.ftlab.yaml', { scheduler: 'k8s', shards: '4', image: 'reg/ftlab:1', pvc: '' }), {
    experimentUri: 'file:///w/e.ftlab.yaml',
    scheduler: 'k8s',
    shards: 4,
    image: 'reg/ftlab:1',
  });
  assert.throws(() => submitParams('file:///w/e.ftlab.yaml', { scheduler: 'k8s', shards: '4' }), /container image/);
  assert.equal(kubectlApplyCommand('/runs/r/k8s-job.yaml'), 'kubectl apply -f /runs/r/k8s-job.yaml');
  assert.equal(kubectlApplyCommand("/my runs/it's/k8s-job.yaml"), `kubectl apply -f '/my runs/it'\\''s/k8s-job.yaml'`);
});
