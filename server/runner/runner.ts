// The run orchestrator's public face, used by the language server and the CLI alike:
// startRun / resumeRun / cancelRun, and events (progress, trialFinished, runFinished, log).
// Runs are queued: one runs at a time in a runner, so two runs started at once never interleave
// their trials (or fight over the CPU and memory).

import { EventEmitter } from 'node:events';
import type { ExperimentDiagnostic } from '../../protocol/experiment';
import type { RunFinished } from '../../protocol/lsp';
import { formatShard, readLocks, RunBusyError } from '../core/experiment';
import type { Emit, RunnerEvents } from './events';
import { prepareNewRun, prepareResume, type PreparedRun, type ResumeRunOptions, type StartRunOptions } from './prepareRun';
import { RunExecution } from './runExecution';
import { defaultTrainerEntry, type TrainerEntry } from './trainerProcess';

export interface RunnerOptions {
  /** The trainer script to fork; default dist/trainer.js (or the TypeScript entry through tsx). */
  trainerEntry?: TrainerEntry;
  /** Environment of trainer processes (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Trainers dying before their first trial, in a row, before a run is given up (default 2). */
  maxStartupFailures?: number;
  /** Lock heartbeat period in ms (default 30 s). */
  heartbeatMs?: number;
}

export interface RunHandle {
  runId: string;
  runDir: string;
  /** "i/N" when the run is one shard. */
  shard?: string;
  /** Trials of this run (or shard). */
  totalTrials: number;
  /** How many of them this invocation trains (the others are finished in the store). */
  pendingTrials: number;
  /** An existing run folder is continued (resume, a joined shard, or an incomplete earlier run). */
  resumed: boolean;
  /** Warnings and hints about the experiment file (errors refuse the run instead). */
  diagnostics: ExperimentDiagnostic[];
  /** Resolves when the run ends: finished, cancelled or failed. Never rejects. */
  done: Promise<RunFinished>;
}

interface Job {
  prepared: PreparedRun;
  execution?: RunExecution;
  /** Why the execution could not be created (e.g. no trainer entry); reported as a failed run. */
  startError?: Error;
  resolve: (finished: RunFinished) => void;
}

export class Runner {
  private readonly emitter = new EventEmitter();
  private readonly queue: Job[] = [];
  private active: Job | undefined;
  private readonly settings: { trainerEntry?: TrainerEntry; env?: NodeJS.ProcessEnv; maxStartupFailures: number; heartbeatMs: number };

  constructor(options: RunnerOptions = {}) {
    this.settings = {
      trainerEntry: options.trainerEntry,
      env: options.env,
      maxStartupFailures: options.maxStartupFailures ?? 2,
      heartbeatMs: options.heartbeatMs ?? 30_000,
    };
  }

  on<K extends keyof RunnerEvents>(event: K, listener: (...payload: RunnerEvents[K]) => void): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof RunnerEvents>(event: K, listener: (...payload: RunnerEvents[K]) => void): this {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  private readonly emit: Emit = (event, ...payload) => {
    this.emitter.emit(event, ...payload);
  };

  /**
   * Validates the experiment, creates (or, with runId, joins) the run folder and queues the run.
   * Rejects with ExperimentInvalidError (its `diagnostics` located in the file) or another Error.
   */
  async startRun(options: StartRunOptions): Promise<RunHandle> {
    return this.enqueue(prepareNewRun(options));
  }

  /** Queues the rest of a stopped, cancelled or crashed run; failed trials are tried again. */
  async resumeRun(runDir: string, options: ResumeRunOptions = {}): Promise<RunHandle> {
    const prepared = prepareResume(runDir, options);
    const live = readLocks(prepared.runDir).find((l) => l.live);
    if (live) throw new RunBusyError(live.info);
    return this.enqueue(prepared);
  }

  /** Stops a run after its current step (force: at once); a queued run is dropped. False if unknown. */
  cancelRun(runId: string, options: { force?: boolean } = {}): boolean {
    let found = false;
    for (const job of [...this.queue]) {
      if (job.prepared.runId !== runId) continue;
      found = true;
      this.queue.splice(this.queue.indexOf(job), 1);
      const { prepared } = job;
      const finishedBefore = prepared.trials.length - prepared.pending.length;
      this.settle(job, { runId, state: 'cancelled', finishedTrials: finishedBefore, failedTrials: 0, totalTrials: prepared.trials.length });
    }
    if (this.active?.prepared.runId === runId && this.active.execution) {
      this.active.execution.cancel(options.force);
      found = true;
    }
    return found;
  }

  /** The run being trained now, and the ones waiting. */
  runs(): { active?: string; queued: string[] } {
    return { active: this.active?.prepared.runId, queued: this.queue.map((j) => j.prepared.runId) };
  }

  /** Cancels everything at once (the owner is shutting down) and waits for the trainer to go. */
  async dispose(): Promise<void> {
    for (const job of [...this.queue]) this.cancelRun(job.prepared.runId, { force: true });
    const active = this.active;
    if (active) {
      active.execution?.cancel(true);
      await new Promise<void>((resolve) => this.emitter.once('idle', resolve));
    }
  }

  private enqueue(prepared: PreparedRun): RunHandle {
    const same = (p: PreparedRun) => p.runDir === prepared.runDir && (p.shard ? formatShard(p.shard) : '') === (prepared.shard ? formatShard(prepared.shard) : '');
    if ((this.active && same(this.active.prepared)) || this.queue.some((j) => same(j.prepared))) {
      throw new Error(`run ${prepared.runId} is already ${this.active && same(this.active.prepared) ? 'running' : 'queued'}`);
    }
    let resolve!: (finished: RunFinished) => void;
    const done = new Promise<RunFinished>((r) => (resolve = r));
    const job: Job = { prepared, resolve };
    this.queue.push(job);
    if (this.active || this.queue.length > 1) {
      this.emit('progress', {
        runId: prepared.runId,
        state: 'queued',
        totalTrials: prepared.trials.length,
        finishedTrials: prepared.trials.length - prepared.pending.length,
        failedTrials: 0,
        toRun: prepared.pending.length,
        doneThisRun: 0,
        ...(prepared.shard ? { shard: formatShard(prepared.shard) } : {}),
      });
    }
    this.pump();
    return {
      runId: prepared.runId,
      runDir: prepared.runDir,
      ...(prepared.shard ? { shard: formatShard(prepared.shard) } : {}),
      totalTrials: prepared.trials.length,
      pendingTrials: prepared.pending.length,
      resumed: prepared.resumed,
      diagnostics: prepared.diagnostics,
      done,
    };
  }

  /** Makes the next queued run the active one; it starts executing on the next turn of the event loop. */
  private pump(): void {
    if (this.active) return;
    const job = this.queue.shift();
    if (!job) {
      this.emitter.emit('idle');
      return;
    }
    this.active = job;
    try {
      job.execution = new RunExecution(job.prepared, this.emit, {
        trainerEntry: this.settings.trainerEntry ?? defaultTrainerEntry(),
        env: this.settings.env,
        maxStartupFailures: this.settings.maxStartupFailures,
        heartbeatMs: this.settings.heartbeatMs,
      });
    } catch (error) {
      job.startError = error as Error;
    }
    // Not now, and not in a microtask: the caller's `await startRun(...)` continues first and
    // subscribes to the run's events, so it sees the first ones (e.g. a torn line in the store).
    setImmediate(() => void this.execute(job));
  }

  private async execute(job: Job): Promise<void> {
    let finished: RunFinished;
    try {
      if (!job.execution) throw job.startError ?? new Error('the run could not start');
      finished = await job.execution.execute();
    } catch (error) {
      const { prepared } = job;
      finished = {
        runId: prepared.runId,
        state: 'failed',
        finishedTrials: prepared.trials.length - prepared.pending.length,
        failedTrials: 0,
        totalTrials: prepared.trials.length,
        error: (error as Error).message,
      };
    }
    this.active = undefined;
    this.settle(job, finished);
    this.pump();
  }

  private settle(job: Job, finished: RunFinished): void {
    this.emit('runFinished', finished);
    job.resolve(finished);
  }
}
