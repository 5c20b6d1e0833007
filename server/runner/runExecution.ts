// Executes one prepared run: holds the run's lock, starts a trainer for the pending trials, follows
// its messages, and when the trainer dies (native crash, kill -9, out-of-memory killer) records the
// trial it was on as failed ('crash', with the exit signal) and starts a new trainer for the rest.
// A crashed trial is not retried within the run (a resume retries it); a trainer that dies before
// starting any trial twice in a row ends the run, so a broken installation cannot loop forever.

import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunFinished } from '../../protocol/lsp';
import type { TrialRecord } from '../../protocol/results';
import type { TrainerToRunner, TrialPhase } from '../../protocol/runner';
import { formatShard, MANIFEST_FILE, openTrialLog, readRunTrials, RunLock, type Trial } from '../core/experiment';
import { unlinkQuietly, writeFileAtomic } from '../core/experiment/store/atomicFile';
import { EtaEstimator } from './eta';
import type { Emit, RunnerProgress } from './events';
import type { PreparedRun } from './prepareRun';
import { stepUnderWay } from './trialContract';
import { describeExit, TrainerProcess, type TrainerEntry, type TrainerExit } from './trainerProcess';

export interface ExecutionSettings {
  trainerEntry: TrainerEntry;
  /** Environment of the trainer process. */
  env?: NodeJS.ProcessEnv;
  /** Trainers that die before starting a trial, in a row, before the run gives up. */
  maxStartupFailures: number;
  /** How often the lock's heartbeat is rewritten. */
  heartbeatMs: number;
}

interface CurrentTrial {
  trial: Trial;
  startedMs: number;
  phase?: TrialPhase;
  phaseDetail?: string;
  step: number;
  steps: number;
  epoch: number;
  epochs: number;
  loss?: number;
}

interface TrainerOutcome {
  exit: TrainerExit;
  ended?: 'finished' | 'cancelled';
  fatal?: { message: string; code?: string };
  /** The trial the trainer was on when it died, if any. */
  inProgress?: CurrentTrial;
  /** The trainer started at least one trial: it died of something else than not being able to start. */
  progressed?: boolean;
}

function onlyManifest(runDir: string): boolean {
  try {
    return readdirSync(runDir).every((f) => f === MANIFEST_FILE || f.startsWith('.'));
  } catch {
    return false;
  }
}

/** Where a trial was when its trainer died, for the crash record: the user's first question. */
export function whereInTrial(current: Pick<CurrentTrial, 'phase' | 'phaseDetail' | 'steps'>, step: number | undefined): string {
  switch (current.phase) {
    case 'train':
      return `during training step ${step ?? 1}${current.steps > 0 ? ` of ${current.steps}` : ''}`;
    case 'eval':
      return 'during evaluation';
    case 'load':
      return current.phaseDetail ? `while loading (${current.phaseDetail})` : 'while loading the model and data';
    default:
      return 'as the trial started';
  }
}

export class RunExecution {
  private remaining: Trial[];
  private current: CurrentTrial | undefined;
  private trainer: TrainerProcess | undefined;
  private cancelRequested = false;
  private forced = false;
  private finishedCount: number;
  private failedCount = 0;
  private doneThisRun = 0;
  private readonly eta = new EtaEstimator();
  private readonly shardText: string | undefined;
  private readonly progressFile: string | undefined;

  constructor(
    readonly run: PreparedRun,
    private readonly emit: Emit,
    private readonly settings: ExecutionSettings,
  ) {
    this.remaining = [...run.pending];
    this.finishedCount = run.trials.length - run.pending.length;
    this.shardText = run.shard ? formatShard(run.shard) : undefined;
    // Read by `ftlab status` (server/cluster) to show which trial each shard is on.
    this.progressFile = run.shard ? join(run.runDir, `progress.${run.shard.index}of${run.shard.count}.json`) : undefined;
  }

  /** Stop after the current step (force: kill the trainer now; the trial in progress is not recorded). */
  cancel(force = false): void {
    this.cancelRequested = true;
    if (force) {
      this.forced = true;
      this.trainer?.kill('SIGKILL');
    } else {
      this.trainer?.send({ type: 'cancel' });
    }
    this.emitProgress('cancelling');
  }

  async execute(): Promise<RunFinished> {
    let lock: RunLock;
    try {
      lock = RunLock.acquire(this.run.runDir, { shard: this.run.shard });
    } catch (error) {
      // A new run that could not even begin (e.g. no space for its lock) leaves no empty run
      // behind, so the next `ftlab run` continues the run that has results, not this one. Only a
      // folder holding nothing but its manifest: never one another runner or shard has touched.
      if (!this.run.resumed && !this.run.shard && onlyManifest(this.run.runDir)) rmSync(this.run.runDir, { recursive: true, force: true });
      return this.finished('failed', (error as Error).message);
    }
    const heartbeat = setInterval(() => {
      try {
        lock.heartbeat();
      } catch {
        // A missed beat only makes the lock look older to other hosts.
      }
    }, this.settings.heartbeatMs);
    heartbeat.unref();
    try {
      for (const warning of this.run.storeWarnings) this.log('warning', `store: ${warning}`);
      return await this.loop();
    } finally {
      clearInterval(heartbeat);
      lock.release();
      if (this.progressFile) unlinkQuietly(this.progressFile);
    }
  }

  private async loop(): Promise<RunFinished> {
    let startupFailures = 0;
    this.emitProgress('running');
    while (this.remaining.length > 0 && !this.cancelRequested) {
      const outcome = await this.runTrainer();
      if (outcome.ended) break;
      const what = describeExit(outcome.exit) + (outcome.fatal ? `: ${outcome.fatal.message}` : '');
      // The store could not be written: training on would only lose more results.
      if (outcome.exit.code === 2 && outcome.fatal) return this.finished('failed', outcome.fatal.message);
      // A trainer that got as far as a trial started fine, even if it died between two trials.
      if (outcome.inProgress || outcome.progressed) startupFailures = 0;
      if (outcome.inProgress) {
        if (this.forced) break; // a forced cancel, not a crash: nothing is recorded
        const error = this.recordCrash(outcome.inProgress, what);
        if (error) return this.finished('failed', error);
        continue;
      }
      if (this.cancelRequested) break;
      if (outcome.progressed) {
        this.log('warning', `${what} between two trials; starting a new trainer`);
        continue;
      }
      startupFailures++;
      // A trainer that explains why it cannot start will say the same again.
      if (outcome.fatal || startupFailures >= this.settings.maxStartupFailures) return this.finished('failed', what);
      this.log('warning', `${what}; starting a new trainer`);
    }
    return this.finished(this.remaining.length > 0 ? 'cancelled' : 'finished');
  }

  private runTrainer(): Promise<TrainerOutcome> {
    const outcome: Omit<TrainerOutcome, 'exit'> = {};
    const trainer = TrainerProcess.start(this.settings.trainerEntry, (message) => this.onMessage(message, trainer, outcome), {
      env: this.settings.env,
    });
    this.trainer = trainer;
    if (trainer.pid !== undefined) this.emit('trainerStarted', { runId: this.run.runId, pid: trainer.pid });
    return trainer.exited.then((exit) => {
      this.trainer = undefined;
      const inProgress = this.current;
      this.current = undefined;
      return { ...outcome, exit, inProgress };
    });
  }

  private onMessage(message: TrainerToRunner, trainer: TrainerProcess, outcome: Omit<TrainerOutcome, 'exit'>): void {
    switch (message.type) {
      case 'ready':
        trainer.send({
          type: 'assign',
          runId: this.run.runId,
          runDir: this.run.runDir,
          spec: this.run.spec,
          trials: this.remaining.map((t) => ({ key: t.key, config: t.config })),
          ...(this.shardText ? { shard: this.shardText } : {}),
          provider: this.run.provider,
          ...(this.run.threads ? { threads: this.run.threads } : {}),
          ...(this.run.dataRoot ? { dataRoot: this.run.dataRoot } : {}),
          hub: this.run.hub,
        });
        if (this.cancelRequested) trainer.send({ type: 'cancel' });
        return;
      case 'trialStarted': {
        const trial = this.remaining.find((t) => t.key === message.key);
        if (!trial) return;
        outcome.progressed = true;
        this.current = { trial, startedMs: Date.now(), step: 0, steps: 0, epoch: 0, epochs: 0 };
        if (this.progressFile) {
          try {
            writeFileAtomic(this.progressFile, `${JSON.stringify({ shard: this.shardText, key: trial.key, startedAt: message.startedAt })}\n`);
          } catch (error) {
            this.log('warning', `could not write ${this.progressFile}: ${(error as Error).message}`);
          }
        }
        this.emitProgress();
        return;
      }
      case 'phase':
        if (this.current?.trial.key !== message.key) return;
        this.current.phase = message.phase;
        this.current.phaseDetail = message.detail;
        this.emitProgress();
        return;
      case 'step':
        if (this.current?.trial.key !== message.key) return;
        Object.assign(this.current, { step: message.step, steps: message.steps, epoch: message.epoch, epochs: message.epochs, loss: message.loss });
        this.emitProgress();
        return;
      case 'trialFinished':
        this.settle(message.record);
        return;
      case 'runFinished':
        outcome.ended = message.state;
        return;
      case 'fatal':
        outcome.fatal = { message: message.message, code: message.code };
        return;
    }
  }

  /** A trial has an outcome in the store: count it and tell. */
  private settle(record: TrialRecord): void {
    const startedMs = this.current?.trial.key === record.key ? this.current.startedMs : undefined;
    this.remaining = this.remaining.filter((t) => t.key !== record.key);
    if (this.current?.trial.key === record.key) this.current = undefined;
    this.doneThisRun++;
    if (record.status === 'finished') {
      this.finishedCount++;
      // The runner's own clock: loading and evaluation count, as they do for the trials to come.
      this.eta.add(record.config.method, startedMs !== undefined ? (Date.now() - startedMs) / 1000 : record.wallTimeS);
    } else {
      this.failedCount++;
    }
    // Progress first, so a listener of trialFinished already sees the new counts.
    this.emitProgress();
    this.emit('trialFinished', { runId: this.run.runId, record });
  }

  /** Records the trial a dead trainer was on; returns an error message if the store refused it. */
  private recordCrash(current: CurrentTrial, what: string): string | undefined {
    const { trial } = current;
    // Killed after its record was fsynced but before it said so: the record stands.
    const written = readRunTrials(this.run.runDir).history.find((r) => r.key === trial.key && r.status === 'finished');
    if (written) {
      this.settle(written);
      return undefined;
    }
    const step = stepUnderWay(current.phase, current.step > 0 ? current.step : undefined);
    const record: TrialRecord = {
      key: trial.key,
      status: 'failed',
      config: trial.config,
      trainLoss: [],
      metrics: {},
      wallTimeS: (Date.now() - current.startedMs) / 1000,
      peakMemoryBytes: 0,
      trainableParams: 0,
      provider: this.run.provider,
      error: { kind: 'crash', message: `${what} ${whereInTrial(current, step)}`, ...(step !== undefined ? { step } : {}) },
      finishedAt: new Date().toISOString(),
      ...(this.shardText ? { shard: this.shardText } : {}),
    };
    try {
      // Opened now, after the trainer died: a line it left half-written is ended first.
      const log = openTrialLog(this.run.runDir, this.run.shard);
      try {
        log.append(record);
      } finally {
        log.close();
      }
    } catch (error) {
      return (error as Error).message;
    }
    this.log('warning', `trial ${trial.key} crashed: ${what}`);
    this.settle(record);
    return undefined;
  }

  private emitProgress(state: RunnerProgress['state'] = this.cancelRequested ? 'cancelling' : 'running'): void {
    const c = this.current;
    const notStarted = this.remaining.filter((t) => t.key !== c?.trial.key).map((t) => t.config.method);
    const elapsedS = c ? (Date.now() - c.startedMs) / 1000 : 0;
    const etaS = this.eta.estimate(
      notStarted,
      c && { method: c.trial.config.method, elapsedS, fraction: c.steps > 0 && c.phase !== 'eval' ? c.step / c.steps : undefined },
    );
    this.emit('progress', {
      runId: this.run.runId,
      state,
      totalTrials: this.run.trials.length,
      finishedTrials: this.finishedCount,
      failedTrials: this.failedCount,
      toRun: this.run.pending.length,
      doneThisRun: this.doneThisRun,
      ...(this.shardText ? { shard: this.shardText } : {}),
      ...(c
        ? {
            current: { key: c.trial.key, config: c.trial.config, epoch: c.epoch, epochs: c.epochs, step: c.step, steps: c.steps },
            ...(c.phase ? { phase: c.phase } : {}),
            ...(c.phaseDetail ? { phaseDetail: c.phaseDetail } : {}),
            ...(c.loss !== undefined ? { loss: c.loss } : {}),
          }
        : {}),
      ...(etaS !== undefined ? { etaS } : {}),
    });
  }

  private finished(state: RunFinished['state'], error?: string): RunFinished {
    const result: RunFinished = {
      runId: this.run.runId,
      state,
      finishedTrials: this.finishedCount,
      failedTrials: this.failedCount,
      totalTrials: this.run.trials.length,
      ...(error ? { error } : {}),
    };
    if (error) this.log('error', error);
    return result;
  }

  private log(level: 'info' | 'warning' | 'error', message: string): void {
    this.emit('log', { runId: this.run.runId, level, message });
  }
}
