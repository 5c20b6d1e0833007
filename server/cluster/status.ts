// `ftlab status <run>`: where a run stands, across shards: finished, failed, running and pending
// trials from the store (server/core/experiment/store), and, when the run went to Slurm, what
// Slurm says about each shard's array task.
//
// "Running" comes from the shards' lock files (one per live runner, with a heartbeat). A lock does
// not name its trial, but a shard runs its trials one after another in grid order, skipping the
// finished ones, so its current trial is the first of its share not yet done in this attempt.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExperimentSpec } from '../../protocol/experiment';
import type { RunManifest, TrialError, TrialRecord } from '../../protocol/results';
import { expandGrid, type Trial } from '../core/experiment/grid';
import { parseShard, shardTrials } from '../core/experiment/shard';
import { readLocks, type LockState } from '../core/experiment/store/runLock';
import { MANIFEST_FILE, readManifest, readRunTrials } from '../core/experiment/store/runStore';
import type { StoreWarning } from '../core/experiment/store/trialLog';
import { readClusterRecord, type SlurmSubmissionRecord } from './clusterRecord';
import { DEFAULT_RESULTS_DIR } from './runFolder';
import { slurmLogPath } from './slurm';
import { querySlurmJob, SLURM_ENDED_STATES, type SlurmJobStatus, type SlurmTaskStatus } from './slurmQueue';

export interface RunStatusOptions {
  /** Ask Slurm about the run's recorded submissions (default true). */
  queryScheduler?: boolean;
}

/** One shard as the scheduler sees it: the task of the latest submission that ran this shard. */
export interface ShardSchedulerState {
  shardIndex: number;
  submission: SlurmSubmissionRecord;
  /** Undefined when Slurm has forgotten the job (it ended more than MinJobAge ago). */
  task?: SlurmTaskStatus;
  logPath: string;
}

export interface RunningShard {
  /** `i/N`, or undefined for an unsharded run. */
  shard?: string;
  /** The trial it is on; undefined when the grid is not known (no run.json yet). */
  key?: string;
  hostname: string;
  pid: number;
  heartbeatAt: string;
}

export interface RunStatus {
  runId: string;
  runDir: string;
  experimentPath?: string;
  totalTrials?: number;
  finished: string[];
  failed: { key: string; shard?: string; error?: TrialError }[];
  running: RunningShard[];
  /** Trials neither finished, failed nor running; undefined before any shard wrote run.json. */
  pending?: string[];
  /** Keys with more than one finished record (should stay empty: nothing duplicated). */
  duplicateFinishedKeys: string[];
  /** Lines of the trial logs that were skipped (a shard killed mid-write leaves one). */
  storeWarnings: StoreWarning[];
  /** Records per trial log file. */
  logs: { shard?: string; finished: number; failed: number }[];
  slurm?: { shardCount: number; jobs: SlurmJobStatus[]; shards: ShardSchedulerState[] };
}

/** `run` is a run folder, or a run id inside `resultsDir` (default .ftlab/runs). */
export function resolveRunDir(run: string, resultsDir = DEFAULT_RESULTS_DIR, cwd = process.cwd()): string {
  const direct = resolve(cwd, run);
  if (existsSync(join(direct, MANIFEST_FILE)) || existsSync(join(direct, 'cluster.json'))) return direct;
  return resolve(cwd, resultsDir, run);
}

async function slurmView(submissions: SlurmSubmissionRecord[]): Promise<RunStatus['slurm']> {
  const jobs = await Promise.all(submissions.map((s) => querySlurmJob(s.jobId)));
  const shardCount = submissions[0].shardCount;
  const shards: ShardSchedulerState[] = [];
  for (let shardIndex = 0; shardIndex < shardCount; shardIndex++) {
    // The last submission that included this shard is the one that matters (a resubmission
    // replaces a failed or cancelled task).
    for (let k = submissions.length - 1; k >= 0; k--) {
      if (!submissions[k].shardIndices.includes(shardIndex)) continue;
      const task = jobs[k].tasks.find((t) => t.taskIndex === shardIndex);
      shards.push({ shardIndex, submission: submissions[k], task, logPath: slurmLogPath(submissions[k], shardIndex) });
      break;
    }
  }
  return { shardCount, jobs, shards };
}

/** The trial a live shard is on: the first of its share with no finished record and no failure since it started. */
function currentTrial(grid: readonly Trial[] | undefined, lock: LockState, history: readonly TrialRecord[]): string | undefined {
  if (!grid) return undefined;
  const share = lock.info.shard ? shardTrials(grid, parseShard(lock.info.shard)) : grid;
  const done = new Set(history.filter((r) => r.status === 'finished' || r.finishedAt >= lock.info.startedAt).map((r) => r.key));
  return share.find((t) => !done.has(t.key))?.key;
}

export async function readRunStatus(runDir: string, options: RunStatusOptions = {}): Promise<RunStatus> {
  if (!existsSync(runDir)) throw new Error(`no run folder at ${runDir}`);
  const cluster = await readClusterRecord(runDir);
  // The first shard to start writes run.json; before that only cluster.json is there.
  const manifest: RunManifest | undefined = existsSync(join(runDir, MANIFEST_FILE)) ? readManifest(runDir) : undefined;
  const grid = manifest ? expandGrid(manifest.spec as ExperimentSpec) : undefined;
  const { trials, history, warnings } = readRunTrials(runDir);
  const slurmSubmissions = (cluster?.submissions ?? []).filter((s): s is SlurmSubmissionRecord => s.scheduler === 'slurm');
  const slurm = options.queryScheduler !== false && slurmSubmissions.length > 0 ? await slurmView(slurmSubmissions) : undefined;

  // A lock counts while its runner lives; when Slurm has the run, also only while the shard's
  // task runs (a cancelled task on another host leaves a lock that looks live until it goes stale).
  const taskRunning = (shard: string | undefined) => {
    if (!slurm || shard === undefined) return true;
    return slurm.shards.find((s) => s.shardIndex === parseShard(shard).index)?.task?.state === 'RUNNING';
  };
  const running: RunningShard[] = readLocks(runDir)
    .filter((lock) => lock.live && taskRunning(lock.info.shard))
    .map((lock) => ({
      shard: lock.info.shard,
      key: currentTrial(grid, lock, history),
      hostname: lock.info.hostname,
      pid: lock.info.pid,
      heartbeatAt: lock.info.heartbeatAt,
    }));

  const finishedCount = new Map<string, number>();
  const logs = new Map<string | undefined, { shard?: string; finished: number; failed: number }>();
  for (const r of history) {
    if (r.status === 'finished') finishedCount.set(r.key, (finishedCount.get(r.key) ?? 0) + 1);
    const log = logs.get(r.shard) ?? { shard: r.shard, finished: 0, failed: 0 };
    log[r.status]++;
    logs.set(r.shard, log);
  }
  const settled = new Set([...trials.map((t) => t.key), ...running.flatMap((r) => (r.key ? [r.key] : []))]);
  return {
    runId: manifest?.runId ?? cluster?.runId ?? runDir.split(/[\\/]/).pop() ?? runDir,
    runDir,
    experimentPath: manifest?.experimentPath ?? slurmSubmissions[0]?.experimentPath,
    totalTrials: manifest?.totalTrials,
    finished: trials.filter((t) => t.status === 'finished').map((t) => t.key).sort(),
    failed: trials
      .filter((t) => t.status === 'failed')
      .map((t) => ({ key: t.key, shard: t.shard, error: t.error }))
      .sort((a, b) => (a.key < b.key ? -1 : 1)),
    running,
    pending: grid?.map((t) => t.key).filter((key) => !settled.has(key)),
    duplicateFinishedKeys: [...finishedCount].filter(([, n]) => n > 1).map(([key]) => key).sort(),
    storeWarnings: warnings,
    logs: [...logs.values()].sort((a, b) => (a.shard ?? '').localeCompare(b.shard ?? '')),
    slurm,
  };
}

/** Shards whose Slurm task ended without success: the ones to resubmit. */
export function shardsToResubmit(status: RunStatus): number[] {
  return (status.slurm?.shards ?? [])
    .filter((s) => s.task && SLURM_ENDED_STATES.has(s.task.state) && s.task.state !== 'COMPLETED')
    .map((s) => s.shardIndex);
}
