// Serves the cluster requests of protocol/lsp.ts for the editor: ftlab/submitCluster (the CLI's
// `ftlab submit slurm|k8s`, with the run folder in the workspace's results folder) and
// ftlab/clusterStatus (`ftlab status`, as counts and per-shard states the extension can follow).
// The language server calls registerClusterRequests(connection, …) once, next to the run requests.

import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, ResponseError, type Connection } from 'vscode-languageserver/node';
import type { ExperimentSpec } from '../../protocol/experiment';
import {
  clusterStatusRequest,
  submitClusterRequest,
  type ClusterStatus,
  type ServerSettings,
  type SubmitClusterParams,
  type SubmitClusterResult,
} from '../../protocol/lsp';
import { expandGrid } from '../core/experiment/grid';
import { configuredHubCacheDir } from '../core/hub/hubSettings';
import { loadExperimentFile } from '../core/experiment/parse';
import { ExperimentInvalidError } from '../runner/prepareRun';
import { allowedRootsSetting, resultsDirFor } from '../runner/lspBridge';
import { readClusterRecord } from './clusterRecord';
import { planK8sJob, writeK8sJob } from './k8s';
import { newRunId } from './runFolder';
import { planSlurmRun, submitSlurmRun } from './slurm';
import { SLURM_ENDED_STATES } from './slurmQueue';
import { readRunStatus, shardsToResubmit, type RunStatus } from './status';
import { formatRunStatus } from './statusFormat';
import { checkForSlurmSubmission } from './submitCheck';

export interface ClusterRequestOptions {
  /** The current `ftlab.*` settings (the results folder comes from `ftlab.resultsDir`). */
  settings(): ServerSettings;
  /** Workspace folder paths; default: asked from the client (workspace/workspaceFolders). */
  workspaceFolders?(): Promise<string[]>;
  /** What every shard runs; default the CLI bundle shipped next to the server bundle (dist/cli.js). */
  cliPath?: string;
}

/**
 * The folders beyond the defaults that a cluster run of this editor may read: the
 * `ftlab.data.allowedRoots` setting and $FTLAB_ALLOWED_ROOTS (as for a run started here), and a
 * configured `ftlab.hfCacheDir`, which the editor's checks allow but a shard would not know of.
 * Absolute, since they go onto the shards' command lines; what is still relative (a relative
 * $FTLAB_ALLOWED_ROOTS) is resolved against the experiment's folder, as the runner does.
 */
function clusterAllowedRoots(settings: ServerSettings, folder: string, experimentPath: string): string[] {
  const roots = allowedRootsSetting(settings, folder);
  if (settings.hfCacheDir.trim()) roots.push(configuredHubCacheDir(settings.hfCacheDir));
  return [...new Set(roots.map((root) => resolve(dirname(experimentPath), root)))];
}

function toResponseError(error: unknown): ResponseError<unknown> {
  if (error instanceof ExperimentInvalidError) {
    return new ResponseError(ErrorCodes.InvalidParams, error.message, { diagnostics: error.diagnostics });
  }
  return new ResponseError(ErrorCodes.InternalError, (error as Error)?.message ?? String(error));
}

function shardCount(shards: unknown): number {
  if (typeof shards !== 'number' || !Number.isInteger(shards) || shards < 1) {
    throw new ResponseError(ErrorCodes.InvalidParams, `shards must be a positive integer, got ${JSON.stringify(shards)}`);
  }
  return shards;
}

/** The counts and shard states the extension follows, from `ftlab status`'s reading of the run. */
export function toClusterStatus(status: RunStatus, scheduler: ClusterStatus['scheduler'], shardCount: number | undefined, schedulerError?: string): ClusterStatus {
  return {
    runId: status.runId,
    runDir: status.runDir,
    totalTrials: status.totalTrials,
    finished: status.finished.length,
    failed: status.failed.length,
    running: status.running.length,
    pending: status.pending?.length,
    duplicates: status.duplicateFinishedKeys.length,
    scheduler,
    shardCount,
    shards: (status.slurm?.shards ?? []).map((s) => ({
      shardIndex: s.shardIndex,
      jobId: s.submission.jobId,
      state: s.task?.state,
      reason: s.task?.reason,
      exitCode: s.task?.exitCode,
      // A task Slurm no longer knows ended long enough ago to be forgotten.
      ended: s.task === undefined || SLURM_ENDED_STATES.has(s.task.state),
      logPath: s.logPath,
    })),
    shardsToResubmit: shardsToResubmit(status),
    ...(schedulerError ? { schedulerError } : {}),
    text: formatRunStatus(status),
  };
}

export async function readClusterStatus(runDir: string): Promise<ClusterStatus> {
  const record = await readClusterRecord(runDir);
  const scheduler = record?.submissions[0]?.scheduler;
  let status: RunStatus;
  let schedulerError: string | undefined;
  try {
    status = await readRunStatus(runDir);
  } catch (error) {
    // The store alone still tells finished, failed and pending trials (e.g. VS Code runs where
    // Slurm's client tools are not installed); a missing run folder fails again here, as it should.
    status = await readRunStatus(runDir, { queryScheduler: false });
    schedulerError = (error as Error)?.message ?? String(error);
  }
  return toClusterStatus(status, scheduler, record?.submissions[0]?.shardCount, schedulerError);
}

/**
 * A run folder no other run has: two submissions in one second would share the timestamped id
 * (and so mix their shards), so the second gets -2, -3 … as the store's own ids do. Unless this is
 * a dry run, the folder is claimed by creating it (mkdir fails if another request took it first).
 */
function freshRun(resultsDir: string, baseId: string, claim: boolean): { runId: string; runDir: string } {
  if (claim) mkdirSync(resultsDir, { recursive: true });
  for (let n = 1; ; n++) {
    const runId = n === 1 ? baseId : `${baseId}-${n}`;
    const runDir = join(resultsDir, runId);
    if (!claim) {
      if (!existsSync(runDir)) return { runId, runDir };
      continue;
    }
    try {
      mkdirSync(runDir);
      return { runId, runDir };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

export function registerClusterRequests(connection: Connection, options: ClusterRequestOptions): void {
  const cliPath = options.cliPath ?? join(__dirname, 'cli.js');
  const folders = async (): Promise<string[]> => {
    if (options.workspaceFolders) return options.workspaceFolders();
    try {
      const list = (await connection.workspace.getWorkspaceFolders()) ?? [];
      return list.map((f) => fileURLToPath(f.uri));
    } catch {
      return []; // a client without workspace folders: the experiment's own folder is used
    }
  };

  const submit = async (params: SubmitClusterParams): Promise<SubmitClusterResult> => {
    const shards = shardCount(params.shards);
    if (params.scheduler !== 'slurm' && params.scheduler !== 'k8s') {
      throw new ResponseError(ErrorCodes.InvalidParams, `unknown scheduler ${JSON.stringify(params.scheduler)} (slurm or k8s)`);
    }
    if (params.scheduler === 'k8s' && !params.image) {
      throw new ResponseError(ErrorCodes.InvalidParams, 'a Kubernetes run needs the container image (with ftlab installed)');
    }
    const experimentPath = fileURLToPath(params.experimentUri);
    const folder = (await folders()).filter((f) => experimentPath.startsWith(f + sep)).sort((a, b) => b.length - a.length)[0] ?? dirname(experimentPath);
    const settings = options.settings();
    const allowedRoots = clusterAllowedRoots(settings, folder, experimentPath);
    // The same check as the editor's diagnostics and the runner (for Slurm with the same allowed
    // folders the shards will get): a mistake found after a queue wait of hours is the expensive kind.
    const parsed = params.scheduler === 'slurm' ? checkForSlurmSubmission(experimentPath, allowedRoots) : loadExperimentFile(experimentPath);
    if (!parsed.spec) throw new ExperimentInvalidError(experimentPath, parsed.diagnostics);
    const spec: ExperimentSpec = parsed.spec;
    const resultsDir = resultsDirFor(settings, folder);
    const { runId, runDir } = freshRun(resultsDir, newRunId(experimentPath, spec.name), !params.dryRun);
    const common = { runId, runDir, scheduler: params.scheduler, shards, totalTrials: expandGrid(spec).length };
    try {
      if (params.scheduler === 'slurm') {
        const plan = planSlurmRun({
          experimentPath,
          shards,
          resultsDir,
          runId,
          partition: params.partition || undefined,
          gpusPerTask: params.gpusPerTask || undefined,
          cpusPerTask: params.cpusPerTask,
          time: params.time || undefined,
          // Next to the script in the (shared) run folder: the editor has no "where I ran sbatch".
          logDir: join(runDir, 'slurm'),
          // The shards never see this editor's settings: they get its allowed folders on their command line.
          allowedRoots,
          cliPath,
          cwd: folder,
        });
        if (params.dryRun) return { ...common, logDir: plan.input.logDir, text: plan.script };
        const submitted = await submitSlurmRun(plan);
        return { ...common, jobId: submitted.jobId, scriptPath: submitted.scriptPath, logDir: plan.input.logDir, text: plan.script };
      }
      const plan = planK8sJob({ experimentPath, shards, image: params.image!, pvc: params.pvc || undefined, runId, cwd: folder });
      if (params.dryRun) return { ...common, text: plan.yaml };
      const { manifestPath } = await writeK8sJob(plan, resultsDir, folder);
      return { ...common, manifestPath, text: plan.yaml };
    } catch (error) {
      // A refused plan leaves no empty run folder behind (a failed sbatch leaves its script, to look at).
      if (!params.dryRun) {
        try {
          rmdirSync(runDir); // only when still empty
        } catch {
          // Not empty (or gone): keep it.
        }
      }
      throw error;
    }
  };

  connection.onRequest(submitClusterRequest, async (params) => {
    try {
      return await submit(params);
    } catch (error) {
      throw error instanceof ResponseError ? error : toResponseError(error);
    }
  });

  connection.onRequest(clusterStatusRequest, async ({ runDir }) => {
    try {
      return await readClusterStatus(runDir);
    } catch (error) {
      throw toResponseError(error);
    }
  });
}
