// Follows a run handed to a cluster: its shards write into one run folder, and nothing tells the
// editor when a trial lands there, so the follower asks the server every few seconds
// (ftlab/clusterStatus for counts and shard states, ftlab/readRun for the merged records) and
// posts what changed to the results panel: the run's data once, then each new or replaced record,
// then its progress. It stops when the run is complete, when every shard's task has ended (some
// short: they need a resubmission), when the user cancels, or when the panel closes.
//
// Pure (no `vscode`): the extension passes the requests and the panel in, tests pass fakes.

import type { ClusterStatus, RunData, RunState } from '../protocol/lsp';
import type { HostToWebview, RunProgressMessage } from '../protocol/webview';

/** queued: nothing trained yet; running: trials landing; complete: every trial finished; ended: every task over, some trials not finished. */
export type ClusterPhase = 'queued' | 'running' | 'complete' | 'ended';

export function clusterPhase(status: ClusterStatus): ClusterPhase {
  const { totalTrials, finished, failed, running, shards } = status;
  if (totalTrials !== undefined && finished >= totalTrials) return 'complete';
  if (running === 0) {
    // With the scheduler's view: every task is over. Without it (Kubernetes, or no Slurm client
    // here) the store alone says so once every trial has a result, failures included.
    if (shards.length > 0 ? shards.every((s) => s.ended) : totalTrials !== undefined && finished + failed >= totalTrials) return 'ended';
    if (finished + failed === 0) return 'queued';
  }
  return 'running';
}

/** How the panel shows the run: still going while queued or running; stopped short when ended. */
export function runStateOf(phase: ClusterPhase): RunState {
  return phase === 'complete' ? 'finished' : phase === 'ended' ? 'interrupted' : 'running';
}

/** One line for the progress notification: "4/9 trials · 2 running · 1 failed · shards 2 RUNNING, 1 PENDING". */
export function describeClusterStatus(status: ClusterStatus, totalTrials: number): string {
  const total = status.totalTrials ?? totalTrials;
  const parts = [`${status.finished}/${total} trials`];
  if (status.running > 0) parts.push(`${status.running} running`);
  if (status.failed > 0) parts.push(`${status.failed} failed`);
  if (status.totalTrials === undefined) parts.push('waiting for the first shard to start');
  if (status.shards.length > 0) {
    const counts = new Map<string, number>();
    for (const s of status.shards) counts.set(s.state ?? 'ENDED', (counts.get(s.state ?? 'ENDED') ?? 0) + 1);
    parts.push(`shards ${[...counts].map(([state, n]) => `${n} ${state}`).join(', ')}`);
  }
  return parts.join(' · ');
}

export interface ClusterFollowDeps {
  clusterStatus(runDir: string): Promise<ClusterStatus>;
  /** Rejects while the run has no run.json yet (no shard has started). */
  readRun(runDir: string): Promise<RunData>;
  /** To the results panel. */
  post(message: HostToWebview): void;
  /** False once the results panel the follower posts to is closed. */
  panelOpen(): boolean;
  /** After every poll, e.g. to update the progress notification. */
  onStatus?(status: ClusterStatus, phase: ClusterPhase): void;
  /** A poll that failed (the follower goes on until too many fail in a row). */
  onError?(error: unknown): void;
  /** Waits, resolving early when the signal aborts; default a timer. */
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
}

export interface ClusterFollowOptions {
  runId: string;
  runDir: string;
  /** The grid's size from the submission: the total until run.json exists. */
  totalTrials: number;
  /** Between two polls (default 3000 ms). */
  intervalMs?: number;
  /** Aborted by the notification's Cancel button. */
  signal: AbortSignal;
  /** Polls failing in a row before the follower gives up (default 5). */
  maxConsecutiveErrors?: number;
}

export type ClusterFollowOutcome =
  | { kind: 'complete' | 'ended'; status: ClusterStatus }
  | { kind: 'cancelled' | 'panelClosed'; status?: ClusterStatus }
  | { kind: 'failed'; error: string; status?: ClusterStatus };

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

export async function followClusterRun(deps: ClusterFollowDeps, options: ClusterFollowOptions): Promise<ClusterFollowOutcome> {
  const { runId, runDir, signal } = options;
  const interval = options.intervalMs ?? 3000;
  const maxErrors = options.maxConsecutiveErrors ?? 5;
  const sleep = deps.sleep ?? abortableSleep;
  /** key → finishedAt of the record the panel has: a resubmitted shard's retry replaces a failure. */
  const shown = new Map<string, string>();
  let runDataSent = false;
  let lastProgress = '';
  let last: ClusterStatus | undefined;
  let errors = 0;

  const stopReason = (): 'cancelled' | 'panelClosed' | undefined => (signal.aborted ? 'cancelled' : deps.panelOpen() ? undefined : 'panelClosed');

  const poll = async (): Promise<ClusterPhase> => {
    const status = await deps.clusterStatus(runDir);
    const phase = clusterPhase(status);
    const state = runStateOf(phase);
    // Before the first shard writes run.json there is no run for the panel to show.
    if (status.totalTrials !== undefined) {
      const data = await deps.readRun(runDir);
      if (!runDataSent) {
        deps.post({ type: 'runData', summary: { ...data.summary, state }, trials: data.trials, warnings: data.warnings });
        runDataSent = true;
        for (const r of data.trials) shown.set(r.key, r.finishedAt);
      } else {
        for (const record of data.trials) {
          if (shown.get(record.key) === record.finishedAt) continue;
          shown.set(record.key, record.finishedAt);
          deps.post({ type: 'trialFinished', runId, record });
        }
      }
    }
    const progress: RunProgressMessage = {
      type: 'runProgress',
      runId,
      totalTrials: status.totalTrials ?? options.totalTrials,
      finishedTrials: status.finished,
      failedTrials: status.failed,
      state,
      ...(phase === 'ended' ? { error: endedReason(status, options.totalTrials) } : {}),
    };
    const text = JSON.stringify(progress);
    if (text !== lastProgress) {
      deps.post(progress);
      lastProgress = text;
    }
    last = status;
    deps.onStatus?.(status, phase);
    return phase;
  };

  for (;;) {
    const stop = stopReason();
    if (stop) return { kind: stop, status: last };
    try {
      const phase = await poll();
      errors = 0;
      if (phase === 'complete' || phase === 'ended') return { kind: phase, status: last! };
    } catch (error) {
      deps.onError?.(error);
      if (++errors >= maxErrors) return { kind: 'failed', error: error instanceof Error ? error.message : String(error), status: last };
    }
    const stopped = stopReason();
    if (stopped) return { kind: stopped, status: last };
    await sleep(interval, signal);
  }
}

/** Why an ended run is short of complete, for the panel and the message. */
export function endedReason(status: ClusterStatus, totalTrials: number): string {
  const missing = (status.totalTrials ?? totalTrials) - status.finished;
  const shards = status.shardsToResubmit;
  const which = shards.length > 0 ? `; shard${shards.length === 1 ? '' : 's'} ${shards.join(', ')} ended early and can be resubmitted` : '';
  return `${missing} trial${missing === 1 ? '' : 's'} not finished${which}`;
}
