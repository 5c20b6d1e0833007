// What the runner tells its owner (the language server, the CLI). The payloads extend the LSP
// notification types of protocol/lsp.ts, so the language server forwards them unchanged.

import type { RunFinished, RunProgress, TrialFinished } from '../../protocol/lsp';
import type { TrialPhase } from '../../protocol/runner';

export type RunnerRunState = 'queued' | 'running' | 'cancelling';

export interface RunnerProgress extends RunProgress {
  state: RunnerRunState;
  /** "i/N" for a shard. */
  shard?: string;
  /** Trials this invocation trains (those finished earlier are not counted). */
  toRun: number;
  /** Of those, how many have an outcome (finished or failed) so far. */
  doneThisRun: number;
  /** What the current trial is doing, and its latest step loss. */
  phase?: TrialPhase;
  phaseDetail?: string;
  loss?: number;
}

export interface RunnerLog {
  runId: string;
  level: 'info' | 'warning' | 'error';
  message: string;
}

export interface TrainerStarted {
  runId: string;
  pid: number;
}

export interface RunnerEvents {
  progress: [RunnerProgress];
  trialFinished: [TrialFinished];
  runFinished: [RunFinished];
  trainerStarted: [TrainerStarted];
  log: [RunnerLog];
}

export type Emit = <K extends keyof RunnerEvents>(event: K, ...payload: RunnerEvents[K]) => void;
