// The trainer's work for one assignment: run the trials one after another, append each outcome
// (finished, or failed with its reason) to the store — append + fsync, one line per trial — and
// report progress. A cancelled trial is not recorded at all, so a resume simply runs it again.

import type { TrialError, TrialRecord } from '../../protocol/results';
import type { AssignMessage, StepProgress, TrainerToRunner, TrialAssignment, TrialPhase } from '../../protocol/runner';
import { openTrialLog, parseShard } from '../core/experiment';
import { CancelledError, NonFiniteLossError, stepUnderWay, type TrialFunction, type TrialHooks, type TrialInput, type TrialResult } from '../runner/trialContract';
import { classifyTrialError } from './classifyError';

export interface TrainerChannel {
  send(message: TrainerToRunner): void;
  /** False once the runner is gone: then nothing more may be written (another runner may take over). */
  connected(): boolean;
}

/** Yields to the event loop so that IPC messages (cancel) are handled between blocking steps. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

function trialInput(assign: AssignMessage, trial: TrialAssignment): TrialInput {
  const model = assign.spec.models.find((m) => m.name === trial.config.model);
  if (!model) throw new Error(`model "${trial.config.model}" is not in the run's spec`);
  return {
    key: trial.key,
    config: trial.config,
    spec: assign.spec,
    model,
    dataRoot: assign.dataRoot,
    hub: assign.hub,
    provider: assign.provider,
    threads: assign.threads,
  };
}

function checkResult(result: TrialResult): void {
  if (!result || typeof result !== 'object') throw new Error('the trial returned no result');
  if (!Array.isArray(result.trainLoss)) throw new Error('the trial result has no trainLoss list');
  if (!result.metrics || typeof result.metrics !== 'object') throw new Error('the trial result has no metrics');
}

/** Out of memory: say in which phase, and which setting makes that phase smaller. */
export function withOomHint(error: TrialError, phase: TrialPhase | undefined): TrialError {
  if (error.kind !== 'oom') return error;
  const hint: Record<TrialPhase, string> = {
    load: 'while loading the model (it needs more memory than is free)',
    train: 'while training (lower training.microBatchSize, set training.memoryBudgetMB, or lower training.maxLength)',
    eval: 'while evaluating (lower evaluation.batchSize)',
  };
  return phase ? { ...error, message: `${error.message}; ${hint[phase]}` } : error;
}

export class TrainerLoop {
  constructor(
    private readonly assign: AssignMessage,
    private readonly runTrial: TrialFunction,
    private readonly channel: TrainerChannel,
    private readonly signal: AbortSignal,
  ) {}

  /** Runs every assigned trial; resolves 'cancelled' when stopped early. Store write errors throw. */
  async run(): Promise<'finished' | 'cancelled'> {
    const log = openTrialLog(this.assign.runDir, this.assign.shard ? parseShard(this.assign.shard) : undefined);
    try {
      for (const trial of this.assign.trials) {
        if (this.signal.aborted) return 'cancelled';
        const record = await this.runOne(trial);
        if (!record || !this.channel.connected()) return 'cancelled';
        log.append(record);
        this.channel.send({ type: 'trialFinished', record });
      }
      return 'finished';
    } finally {
      log.close();
    }
  }

  /** The trial's record, or undefined when it was cancelled. */
  private async runOne(trial: TrialAssignment): Promise<TrialRecord | undefined> {
    const startedAt = new Date();
    this.channel.send({ type: 'trialStarted', key: trial.key, startedAt: startedAt.toISOString() });
    let lastStep: number | undefined;
    let phase: TrialPhase | undefined;
    const hooks: TrialHooks = {
      signal: this.signal,
      onPhase: (next, detail) => {
        phase = next;
        this.channel.send({ type: 'phase', key: trial.key, phase: next, ...(detail ? { detail } : {}) });
      },
      onStep: async (progress: StepProgress) => {
        lastStep = progress.step;
        if (!Number.isFinite(progress.loss)) throw new NonFiniteLossError(progress.step, progress.loss);
        this.channel.send({ type: 'step', key: trial.key, ...progress });
        await yieldToEventLoop();
        if (this.signal.aborted) throw new CancelledError(progress.step);
      },
    };
    const base = { key: trial.key, config: trial.config, ...(this.assign.shard ? { shard: this.assign.shard } : {}) };
    const start = performance.now();
    const elapsedS = () => (performance.now() - start) / 1000;
    try {
      const result = await this.runTrial(trialInput(this.assign, trial), hooks);
      checkResult(result);
      return {
        ...base,
        status: 'finished',
        trainLoss: result.trainLoss,
        metrics: result.metrics,
        wallTimeS: result.wallTimeS ?? elapsedS(),
        peakMemoryBytes: result.peakMemoryBytes,
        trainableParams: result.trainableParams,
        provider: result.provider,
        finishedAt: new Date().toISOString(),
      };
    } catch (error) {
      // A cancel (or the runner going away) ends the trial without a record; so does any error
      // that surfaced only because the signal aborted an operation (e.g. a download).
      if (error instanceof CancelledError || this.signal.aborted) return undefined;
      return {
        ...base,
        status: 'failed',
        trainLoss: [],
        metrics: {},
        wallTimeS: elapsedS(),
        peakMemoryBytes: peakRssBytes(),
        trainableParams: 0,
        provider: this.assign.provider,
        error: withOomHint(classifyTrialError(error, stepUnderWay(phase, lastStep)), phase),
        finishedAt: new Date().toISOString(),
      };
    }
  }
}
