// `ftlab submit slurm`: turn an experiment into a Slurm job array (one task per shard), submit it
// with sbatch, and remember the job in the run folder so `ftlab status` can ask Slurm about it.
//
// Two steps so `--dry-run` is the first one alone: planSlurmRun checks everything and renders the
// script without touching the disk or the cluster; submitSlurmRun writes, submits and records.

import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { appendSubmission, readClusterRecord, recordedShardCount, type SlurmSubmissionRecord } from './clusterRecord';
import { checkRunId, DEFAULT_RESULTS_DIR, newRunId } from './runFolder';
import { runSchedulerCommand } from './schedulerCommand';
import { renderSlurmScript, type SlurmScriptInput } from './slurmScript';

/** What `ftlab submit slurm <experiment> [flags]` passes in; paths may be relative to the cwd. */
export interface SlurmSubmitOptions {
  experimentPath: string;
  /** Number of shards, one array task each (`--shards`; default: the run's, when resubmitting; else 1). */
  shards?: number;
  /** Shared results folder, visible at the same path on every node (`--results-dir`, default `.ftlab/runs`). */
  resultsDir?: string;
  /** Reuse a run id (to resubmit shards of an existing run); a fresh one otherwise. */
  runId?: string;
  /** The experiment's `name`, for a fresh run id (default: the file name). */
  runName?: string;
  /** Only these shard indices (a resubmission after a failure); all shards otherwise. */
  shardIndices?: number[];
  partition?: string;
  gpusPerTask?: number | string;
  /** CPUs per task (`--cpus-per-task`, default 1); also the thread count of each shard. */
  cpusPerTask?: number;
  time?: string;
  /** Folder for slurm-%A_%a.out (`--log-dir`); default: the folder sbatch is run from, as Slurm does. */
  logDir?: string;
  maxConcurrent?: number;
  /** Absolute path of the running CLI bundle (dist/cli.js): the CLI passes its own path. */
  cliPath: string;
  /** Node.js on the compute nodes (default `node` from the job's PATH, which sbatch exports). */
  nodeCommand?: string;
  /**
   * Folders beyond the defaults that the experiment may read models and data from (the
   * `--allowed-roots` of the submission); every shard gets them on its command line.
   */
  allowedRoots?: readonly string[];
  /** Where cwd-relative paths start (default process.cwd()). */
  cwd?: string;
}

export interface SlurmPlan {
  runId: string;
  runDir: string;
  script: string;
  input: SlurmScriptInput;
}

export interface SlurmSubmission extends SlurmPlan {
  /** The script as written into the run folder (slurm/submit-<n>.sbatch). */
  scriptPath: string;
  jobId: string;
  record: SlurmSubmissionRecord;
}

export function planSlurmRun(options: SlurmSubmitOptions): SlurmPlan {
  const cwd = options.cwd ?? process.cwd();
  const experimentPath = resolve(cwd, options.experimentPath);
  if (!existsSync(experimentPath)) throw new Error(`experiment file not found: ${experimentPath}`);
  const cliPath = resolve(cwd, options.cliPath);
  if (!existsSync(cliPath)) throw new Error(`ftlab CLI not found at ${cliPath} (build it with \`npm run build\`)`);
  const runId = options.runId ?? newRunId(experimentPath, options.runName);
  checkRunId(runId);
  const resultsDir = resolve(cwd, options.resultsDir ?? DEFAULT_RESULTS_DIR);
  const runDir = join(resultsDir, runId);
  // Resubmitting shards of an existing run: its shard count unless told otherwise.
  const shardCount = options.shards ?? recordedShardCount(runDir) ?? 1;
  const input: SlurmScriptInput = {
    experimentPath,
    resultsDir,
    runId,
    shardCount,
    shardIndices: options.shardIndices ?? Array.from({ length: shardCount }, (_, i) => i),
    cliPath,
    nodeCommand: options.nodeCommand ?? 'node',
    logDir: resolve(cwd, options.logDir ?? '.'),
    jobName: `ftlab-${runId}`,
    partition: options.partition,
    gpusPerTask: options.gpusPerTask,
    cpusPerTask: options.cpusPerTask ?? 1,
    time: options.time,
    maxConcurrent: options.maxConcurrent,
    allowedRoots: (options.allowedRoots ?? []).map((root) => resolve(cwd, root)),
  };
  const script = renderSlurmScript(input);
  return { runId, runDir, script, input };
}

/** Writes the script into the run folder, submits it, records the job in cluster.json. */
export async function submitSlurmRun(plan: SlurmPlan): Promise<SlurmSubmission> {
  // A resubmission must shard the grid the same way, or shard i would mean other trials.
  const earlier = (await readClusterRecord(plan.runDir))?.submissions.find((s) => s.shardCount !== plan.input.shardCount);
  if (earlier) {
    throw new Error(`run ${plan.runId} was submitted with ${earlier.shardCount} shards; resubmit with --shards ${earlier.shardCount}`);
  }
  const slurmDir = join(plan.runDir, 'slurm');
  await mkdir(slurmDir, { recursive: true });
  await mkdir(plan.input.logDir, { recursive: true });
  // Each submission keeps its own script (submit-1.sbatch, submit-2.sbatch for a resubmission, …)
  // so the record always points at exactly what ran.
  const taken = new Set(await readdir(slurmDir));
  let n = 1;
  while (taken.has(`submit-${n}.sbatch`)) n++;
  const scriptPath = join(slurmDir, `submit-${n}.sbatch`);
  await writeFile(scriptPath, plan.script, { mode: 0o755 });

  const { stdout } = await runSchedulerCommand('sbatch', ['--parsable', scriptPath]);
  // --parsable prints `jobid` or `jobid;cluster`.
  const jobId = stdout.trim().split(';')[0];
  if (!/^\d+$/.test(jobId)) throw new Error(`sbatch printed no job id: ${JSON.stringify(stdout)}`);

  const record: SlurmSubmissionRecord = {
    scheduler: 'slurm',
    experimentPath: plan.input.experimentPath,
    jobId,
    shardCount: plan.input.shardCount,
    shardIndices: [...plan.input.shardIndices],
    scriptPath,
    logDir: plan.input.logDir,
    ...(plan.input.allowedRoots?.length ? { allowedRoots: [...plan.input.allowedRoots] } : {}),
    submittedAt: new Date().toISOString(),
  };
  await appendSubmission(plan.runDir, plan.runId, record);
  return { ...plan, scriptPath, jobId, record };
}

/** The log file Slurm writes for one array task of a submission. */
export function slurmLogPath(record: SlurmSubmissionRecord, shardIndex: number): string {
  return join(record.logDir, `slurm-${record.jobId}_${shardIndex}.out`);
}
