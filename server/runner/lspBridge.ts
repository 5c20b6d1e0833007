// Serves the run requests of protocol/lsp.ts (ftlab/startRun, cancelRun, resumeRun, listRuns, readRun) from
// a Runner, and forwards the runner's events as the protocol's notifications. The language server
// calls registerRunRequests(connection, …) once; training happens in trainer child processes, so
// the server's event loop stays free for diagnostics while a run trains.

import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResponseError, ErrorCodes, type Connection } from 'vscode-languageserver/node';
import {
  cancelRunRequest,
  listRunsRequest,
  readRunRequest,
  resumeRunRequest,
  runFinishedNotification,
  runProgressNotification,
  startRunRequest,
  trialFinishedNotification,
  type RunSummary,
  type ServerSettings,
  type StartRunResult,
} from '../../protocol/lsp';
import { configuredHubCacheDir } from '../core/hub/hubSettings';
import { ALLOWED_ROOTS_ENV, listRuns, parseAllowedRoots, readLocks, readManifest, readRunTrials } from '../core/experiment';
import type { RunManifest, TrialRecord } from '../../protocol/results';
import { readRunStore } from '../core/report/readRun';
import { ExperimentInvalidError, type ExecutionOptions } from './prepareRun';
import type { RunnerProgress } from './events';
import { Runner, type RunHandle } from './runner';

export interface RunRequestOptions {
  /** The current `ftlab.*` settings. */
  settings(): ServerSettings;
  /** Workspace folder paths; default: asked from the client (workspace/workspaceFolders). */
  workspaceFolders?(): Promise<string[]>;
  /** Default: a new Runner with the bundled trainer. */
  runner?: Runner;
  /** Fewest milliseconds between two progress notifications of a run (default 250). */
  progressIntervalMs?: number;
}

/** The results folder for files under `folder`: the setting, relative to the workspace folder. */
export function resultsDirFor(settings: ServerSettings, folder: string): string {
  return isAbsolute(settings.resultsDir) ? settings.resultsDir : resolve(folder, settings.resultsDir);
}

/** The setting's folders (relative ones against the workspace folder) and $FTLAB_ALLOWED_ROOTS of the server. */
export function allowedRootsSetting(settings: ServerSettings, folder: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const fromSetting = (Array.isArray(settings.allowedRoots) ? settings.allowedRoots : [])
    .filter((r): r is string => typeof r === 'string' && r.trim() !== '')
    .flatMap((r) => parseAllowedRoots(r))
    .map((r) => (folder ? resolve(folder, r) : r));
  return [...fromSetting, ...parseAllowedRoots(env[ALLOWED_ROOTS_ENV])];
}

function executionOptions(settings: ServerSettings, folder: string | undefined): ExecutionOptions {
  return {
    defaultProvider: settings.executionProvider,
    ...(settings.threads > 0 ? { defaultThreads: settings.threads } : {}),
    hub: { ...(settings.hfCacheDir.trim() ? { cacheDir: configuredHubCacheDir(settings.hfCacheDir) } : {}), offline: settings.offline },
    allowedRoots: allowedRootsSetting(settings, folder),
  };
}

function toResponseError(error: unknown): ResponseError<unknown> {
  if (error instanceof ExperimentInvalidError) {
    return new ResponseError(ErrorCodes.InvalidParams, error.message, { diagnostics: error.diagnostics });
  }
  return new ResponseError(ErrorCodes.InternalError, (error as Error)?.message ?? String(error));
}

export function registerRunRequests(connection: Connection, options: RunRequestOptions): { runner: Runner; dispose(): Promise<void> } {
  const runner = options.runner ?? new Runner();
  const interval = options.progressIntervalMs ?? 250;
  const knownRuns = new Map<string, string>(); // runId → runDir, for cancel and resume by id
  const folders = async (): Promise<string[]> => {
    if (options.workspaceFolders) return options.workspaceFolders();
    const list = (await connection.workspace.getWorkspaceFolders()) ?? [];
    return list.map((f) => fileURLToPath(f.uri));
  };

  const started = (handle: RunHandle): StartRunResult => {
    knownRuns.set(handle.runId, handle.runDir);
    return { runId: handle.runId, runDir: handle.runDir, totalTrials: handle.totalTrials };
  };

  connection.onRequest(startRunRequest, async ({ experimentUri }) => {
    try {
      const experimentPath = fileURLToPath(experimentUri);
      const folder = (await folders()).filter((f) => experimentPath.startsWith(f + sep)).sort((a, b) => b.length - a.length)[0];
      const settings = options.settings();
      return started(
        await runner.startRun({
          experimentPath,
          resultsDir: resultsDirFor(settings, folder ?? dirname(experimentPath)),
          ...executionOptions(settings, folder ?? dirname(experimentPath)),
        }),
      );
    } catch (error) {
      throw toResponseError(error);
    }
  });

  connection.onRequest(cancelRunRequest, ({ runId }) => ({ cancelled: runner.cancelRun(runId) }));

  connection.onRequest(resumeRunRequest, async ({ runId }) => {
    try {
      let runDir = knownRuns.get(runId);
      const settings = options.settings();
      const workspaceFolders = await folders();
      if (!runDir) {
        for (const folder of workspaceFolders) {
          runDir = listRuns(resultsDirFor(settings, folder)).find((r) => r.runId === runId)?.dir;
          if (runDir) break;
        }
      }
      if (!runDir) throw new Error(`no run ${runId} in this workspace's results folders`);
      const dir = runDir;
      const folder = workspaceFolders.filter((f) => dir.startsWith(f + sep)).sort((a, b) => b.length - a.length)[0];
      return started(await runner.resumeRun(runDir, executionOptions(settings, folder)));
    } catch (error) {
      throw toResponseError(error);
    }
  });

  /** A run as the results panel lists it; its state tells a live run from a stopped one. */
  const summarize = (runId: string, runDir: string, manifest: RunManifest, trials: readonly TrialRecord[]): RunSummary => {
    const { active, queued } = runner.runs();
    const finished = trials.filter((t) => t.status === 'finished').length;
    const live = runId === active || queued.includes(runId) || readLocks(runDir).some((l) => l.live);
    return {
      runId,
      runDir,
      manifest,
      // Stopped short of complete with nobody working on it: cancelled, crashed or cut off by a reload.
      state: live ? 'running' : finished >= manifest.totalTrials ? 'finished' : 'interrupted',
      finishedTrials: finished,
      failedTrials: trials.length - finished,
    };
  };

  connection.onRequest(listRunsRequest, ({ workspaceFolderUri }) => {
    const runs: RunSummary[] = [];
    for (const listing of listRuns(resultsDirFor(options.settings(), fileURLToPath(workspaceFolderUri)))) {
      if (!listing.manifest) continue;
      runs.push(summarize(listing.runId, listing.dir, listing.manifest, readRunTrials(listing.dir).trials));
    }
    return { runs };
  });

  connection.onRequest(readRunRequest, ({ runDir }) => {
    try {
      // Only folders that hold a run manifest are read (readManifest throws otherwise).
      readManifest(runDir);
      const run = readRunStore(runDir);
      return { summary: summarize(run.manifest.runId, runDir, run.manifest, run.trials), trials: run.trials, warnings: run.warnings };
    } catch (error) {
      throw toResponseError(error);
    }
  });

  // Progress can come once per optimizer step; the client needs a few updates a second at most.
  // A new trial, a changed count or a new state always goes out at once.
  const lastSent = new Map<string, { at: number; progress: RunnerProgress }>();
  runner.on('progress', (progress) => {
    const previous = lastSent.get(progress.runId);
    const now = Date.now();
    const changed =
      !previous ||
      previous.progress.state !== progress.state ||
      previous.progress.current?.key !== progress.current?.key ||
      previous.progress.finishedTrials + previous.progress.failedTrials !== progress.finishedTrials + progress.failedTrials;
    if (!changed && now - previous.at < interval) return;
    lastSent.set(progress.runId, { at: now, progress });
    void connection.sendNotification(runProgressNotification, progress);
  });
  runner.on('trialFinished', (finished) => void connection.sendNotification(trialFinishedNotification, finished));
  runner.on('runFinished', (finished) => {
    lastSent.delete(finished.runId);
    void connection.sendNotification(runFinishedNotification, finished);
  });
  runner.on('log', (entry) => {
    const line = `run ${entry.runId}: ${entry.message}`;
    if (entry.level === 'error') connection.console.error(line);
    else if (entry.level === 'warning') connection.console.warn(line);
    else connection.console.info(line);
  });

  return { runner, dispose: () => runner.dispose() };
}
