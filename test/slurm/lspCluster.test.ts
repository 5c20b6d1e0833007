// "Run Fine-Tune Comparison on Cluster…" end to end below the editor: the shipped server gets
// ftlab/submitCluster over a real LSP connection and submits the grid fixture as 3 array tasks to
// the test's real Slurm cluster; the extension's follower (extension/clusterFollower.ts), driven by
// ftlab/clusterStatus and ftlab/readRun over the same connection, follows it to the end. The merged
// store must cover the grid with no trial twice, and everything the follower posted must be what
// the results panel accepts. Also: a broken experiment is refused with its diagnostics and leaves
// nothing behind, a dry run writes nothing, a Kubernetes submission writes its manifest.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import type { ExperimentSpec } from '../../protocol/experiment';
import { clusterStatusRequest, readRunRequest, submitClusterRequest, type ClusterStatus } from '../../protocol/lsp';
import { parseHostToWebview, type HostToWebview } from '../../protocol/webview';
import { expandGrid, readManifest, readRunTrials } from '../../server/core/experiment';
import { followClusterRun } from '../../extension/clusterFollower';
import { leftoverSlurmProcesses, startSlurmCluster, type SlurmTestCluster } from './cluster';
import { bundleServerWithCli, ROOT, startClusterServer, type ClusterServer } from './lspServer';

const EXPERIMENT = join(ROOT, 'test', 'fixtures', 'experiments', 'slurm-grid.ftlab.yaml');
const EXPERIMENT_URI = pathToFileURL(EXPERIMENT).toString();
const SHARDS = 3;
const RUN_TIMEOUT_MS = 20 * 60_000;

let cluster: SlurmTestCluster | undefined;
let server: ClusterServer | undefined;
let cliPath = '';
const work = mkdtempSync(join(tmpdir(), 'ftlab-lsp-cluster-'));
const resultsDir = join(work, 'runs');
const timings: Record<string, number> = {};

before(async () => {
  const b0 = performance.now();
  const bundles = bundleServerWithCli();
  timings.bundleMs = performance.now() - b0;
  cliPath = bundles.cli;
  cluster = await startSlurmCluster();
  timings.clusterStartMs = cluster.startMs;
  server = await startClusterServer(bundles.server, resultsDir);
});

after(async () => {
  // Server first (it may hold a request to Slurm), then Slurm, which cancels whatever still runs.
  await server?.stop();
  if (cluster) timings.teardownMs = await cluster.stop();
  console.log(`lsp cluster timings (ms): ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])))}`);
  assert.deepEqual(leftoverSlurmProcesses(), [], 'no Slurm daemon or job step may outlive the test');
});

function failureContext(): string {
  return `\n--- server stderr ---\n${server?.stderr().slice(-3000)}\n--- slurm ---\n${cluster?.logs()}`;
}

test('a broken experiment is refused with its diagnostics; a dry run writes nothing; Kubernetes gets a manifest', async () => {
  const { connection } = server!;
  const broken = join(work, 'broken.ftlab.yaml');
  writeFileSync(broken, 'name: broken\nmodels: [../../models/tiny-opt-demo]\ntasks: [cola]\nmethods: [not-a-method]\n');
  await assert.rejects(
    connection.sendRequest(submitClusterRequest, { experimentUri: pathToFileURL(broken).toString(), scheduler: 'slurm', shards: SHARDS }),
    (error: unknown) => {
      assert.ok(error instanceof ResponseError, `a ResponseError, got ${String(error)}`);
      assert.equal(error.code, -32602, 'InvalidParams, as ftlab/startRun answers');
      const diagnostics = (error.data as { diagnostics?: { message: string }[] }).diagnostics ?? [];
      assert.ok(diagnostics.some((d) => /not-a-method/.test(d.message)), `the diagnostics name the mistake: ${JSON.stringify(diagnostics)}`);
      return true;
    },
  );
  await assert.rejects(connection.sendRequest(submitClusterRequest, { experimentUri: EXPERIMENT_URI, scheduler: 'slurm', shards: 0 }), /positive integer/);
  await assert.rejects(connection.sendRequest(submitClusterRequest, { experimentUri: EXPERIMENT_URI, scheduler: 'slurm', shards: SHARDS, partition: 'no such;partition' }), /partition/);
  assert.deepEqual(existsSync(resultsDir) ? readdirSync(resultsDir) : [], [], 'a refused submission leaves no run folder');

  const dry = await connection.sendRequest(submitClusterRequest, { experimentUri: EXPERIMENT_URI, scheduler: 'slurm', shards: SHARDS, partition: 'debug', dryRun: true });
  assert.equal(dry.jobId, undefined);
  assert.equal(dry.totalTrials, 9);
  assert.ok(dry.runDir.startsWith(resultsDir + '/'), `the run goes into ftlab.resultsDir: ${dry.runDir}`);
  assert.match(dry.text, new RegExp(`#SBATCH --array=0-${SHARDS - 1}\\b`));
  assert.match(dry.text, /#SBATCH --partition=debug/);
  assert.ok(dry.text.includes(cliPath), 'each shard runs the CLI bundled next to the server');
  assert.ok(!existsSync(dry.runDir), 'a dry run writes nothing');

  const k8s = await connection.sendRequest(submitClusterRequest, { experimentUri: EXPERIMENT_URI, scheduler: 'k8s', shards: SHARDS, image: 'registry.example/ftlab:0.1.0' });
  assert.ok(k8s.manifestPath && existsSync(k8s.manifestPath));
  assert.equal(readFileSync(k8s.manifestPath, 'utf8'), k8s.text);
  assert.match(k8s.text, /completionMode: Indexed/);
  const k8sStatus = await connection.sendRequest(clusterStatusRequest, { runDir: k8s.runDir });
  assert.deepEqual(
    [k8sStatus.scheduler, k8sStatus.shardCount, k8sStatus.shards, k8sStatus.totalTrials, k8sStatus.finished],
    ['k8s', SHARDS, [], undefined, 0],
    'before any pod ran: known shard count, no grid yet',
  );
  await assert.rejects(connection.sendRequest(clusterStatusRequest, { runDir: join(resultsDir, 'no-such-run') }), /no run folder/);
});

test('submitCluster runs the grid as 3 Slurm shards, and the follower sees it to a merged store with every trial once', async (t) => {
  const { connection } = server!;
  const s0 = performance.now();
  const submitted = await connection.sendRequest(submitClusterRequest, { experimentUri: EXPERIMENT_URI, scheduler: 'slurm', shards: SHARDS, cpusPerTask: 1 });
  timings.submitMs = performance.now() - s0;
  assert.match(submitted.jobId ?? '', /^\d+$/, 'sbatch printed a job id');
  assert.ok(submitted.scriptPath && existsSync(submitted.scriptPath));
  assert.equal(readFileSync(submitted.scriptPath, 'utf8'), submitted.text);
  assert.equal(submitted.totalTrials, 9);
  t.diagnostic(`run ${submitted.runId}: Slurm job ${submitted.jobId}, store ${submitted.runDir}`);

  const posted: HostToWebview[] = [];
  const seen: ClusterStatus[] = [];
  const errors: string[] = [];
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), RUN_TIMEOUT_MS);
  const f0 = performance.now();
  const outcome = await followClusterRun(
    {
      clusterStatus: (runDir) => connection.sendRequest(clusterStatusRequest, { runDir }),
      readRun: (runDir) => connection.sendRequest(readRunRequest, { runDir }),
      post: (message) => posted.push(message),
      panelOpen: () => true,
      onStatus: (status) => seen.push(status),
      onError: (error) => errors.push(String(error)),
    },
    { runId: submitted.runId, runDir: submitted.runDir, totalTrials: submitted.totalTrials, intervalMs: 500, signal: deadline.signal },
  ).finally(() => clearTimeout(timer));
  timings.followMs = performance.now() - f0;
  const final = outcome.status;
  assert.equal(outcome.kind, 'complete', `the follower saw the run complete (${outcome.kind}); last status:\n${final?.text}${failureContext()}`);
  assert.deepEqual(errors, [], 'no poll failed');
  t.diagnostic(`${seen.length} polls; last status:`);
  for (const line of final!.text.trimEnd().split('\n')) t.diagnostic(line);

  // The scheduler's view came through while it ran, and at the end every task had completed.
  assert.ok(seen.some((s) => s.shards.length === SHARDS && s.shards.some((sh) => sh.state === 'RUNNING' || sh.state === 'PENDING')), 'shard states were followed while the job ran');
  // The store can be complete while Slurm still winds the last task down (COMPLETING, ~1 s of
  // epilog): ask until no task is completing any more, then check the final states.
  let status = await connection.sendRequest(clusterStatusRequest, { runDir: submitted.runDir });
  for (let i = 0; i < 60 && status.shards.some((s) => s.state === 'COMPLETING'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    status = await connection.sendRequest(clusterStatusRequest, { runDir: submitted.runDir });
  }
  assert.equal(status.schedulerError, undefined);
  assert.deepEqual(status.shards.map((s) => [s.shardIndex, s.jobId, s.state]), [0, 1, 2].map((i) => [i, submitted.jobId, 'COMPLETED']), status.text);
  assert.deepEqual([status.finished, status.failed, status.running, status.pending, status.duplicates], [9, 0, 0, 0, 0], status.text);
  for (const s of status.shards) assert.equal(s.logPath, join(submitted.logDir!, `slurm-${submitted.jobId}_${s.shardIndex}.out`));

  // The merged store, read back both through the server and from disk, is the grid, each trial once.
  const grid = expandGrid(readManifest(submitted.runDir).spec as ExperimentSpec).map((g) => g.key).sort();
  const data = await connection.sendRequest(readRunRequest, { runDir: submitted.runDir });
  assert.deepEqual(data.trials.map((r) => r.key).sort(), grid, 'readRun covers the grid');
  assert.equal(data.summary.state, 'finished');
  const { history } = readRunTrials(submitted.runDir);
  assert.deepEqual(history.filter((r) => r.status === 'finished').map((r) => r.key).sort(), grid, 'no finished trial stored twice, none lost');
  assert.deepEqual([...new Set(history.map((r) => r.shard))].sort(), ['0/3', '1/3', '2/3'], 'every shard wrote its part');

  // What the results panel got: valid messages, the run once, every trial, ending as finished.
  for (const m of posted) assert.deepEqual(parseHostToWebview(m), { ok: true, message: m }, `the webview accepts ${m.type}`);
  const shownKeys = posted.flatMap((m) => (m.type === 'runData' ? m.trials.map((r) => r.key) : m.type === 'trialFinished' ? [m.record.key] : []));
  assert.equal(posted.filter((m) => m.type === 'runData').length, 1);
  assert.deepEqual([...new Set(shownKeys)].sort(), grid, 'the panel was sent every trial');
  assert.equal(shownKeys.length, grid.length, 'and each one once (no trial was replaced in this run)');
  const lastProgress = posted.filter((m) => m.type === 'runProgress').at(-1);
  assert.deepEqual(lastProgress && lastProgress.type === 'runProgress' && [lastProgress.state, lastProgress.finishedTrials, lastProgress.totalTrials], ['finished', 9, 9]);
  t.diagnostic(`timings (ms): ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])))}`);
  rmSync(work, { recursive: true, force: true }); // kept when the test fails, for a look
});
