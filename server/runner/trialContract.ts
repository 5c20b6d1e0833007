// The contract between the trainer process and the per-trial training function
// (`runTrial` in server/core/train/trial.ts). The trainer owns everything around one trial —
// the record's identity (key, config, shard, time stamps), the store, progress messages, cancel,
// and turning failures into failed records — so the trial function only trains and evaluates.
//
// Rules for an implementation:
// - Await `hooks.onStep(...)` after every optimizer step. It reports progress, yields to the event
//   loop (so a cancel message can arrive between blocking session.run calls) and rejects with
//   CancelledError when the run was cancelled, or NonFiniteLossError when the loss is NaN/±Inf.
//   Let both propagate (clean up in `finally`, do not catch them).
// - Call `hooks.onPhase('load' | 'train' | 'eval')` as the trial moves on; ICL calls load and eval.
// - In long work that has no steps (downloads, evaluation batches) call throwIfCancelled(hooks.signal)
//   now and then, or pass the signal to APIs that take one.
// - Throw on failure; do not return partial results. NonFiniteLossError for NaN/Inf gradients too.

import type { ExperimentSpec, ModelRef, ProviderId } from '../../protocol/experiment';
import type { TrialRecord, TrialConfig } from '../../protocol/results';
import type { HubSettings, StepProgress, TrialPhase } from '../../protocol/runner';

export type { HubSettings, StepProgress, TrialPhase } from '../../protocol/runner';

export interface TrialInput {
  /** The trial's stable key in its grid. */
  key: string;
  config: TrialConfig;
  /** The whole run spec (training settings, method options, patterns, data settings). */
  spec: ExperimentSpec;
  /** The model named by config.model, resolved (local folder or Hub id). */
  model: ModelRef;
  /** The shipped data folder (data/), when one was found; built-in tasks read from it. */
  dataRoot?: string;
  hub: HubSettings;
  /** Requested execution provider; the one actually used goes into the result's `provider`. */
  provider: ProviderId;
  /** onnxruntime intra-op threads; unset: onnxruntime decides. */
  threads?: number;
}

export interface TrialHooks {
  /** After every optimizer step; see the rules above. */
  onStep(progress: StepProgress): Promise<void>;
  onPhase(phase: TrialPhase, detail?: string): void;
  /** Aborted when the run is cancelled (or the trainer lost its runner). */
  signal: AbortSignal;
}

/**
 * What a trial produces. A full TrialRecord is accepted too (the trainer overwrites key, config,
 * status, shard and finishedAt with its own).
 */
export interface TrialResult {
  /** Mean training loss per epoch (empty for ICL). */
  trainLoss: number[];
  metrics: TrialRecord['metrics'];
  peakMemoryBytes: number;
  trainableParams: number;
  /** The execution provider actually used. */
  provider: string;
  /** Defaults to the trainer's measurement of the whole call, loading included. */
  wallTimeS?: number;
}

export type TrialFunction = (input: TrialInput, hooks: TrialHooks) => Promise<TrialResult>;

/** The run was cancelled; the trial stopped after its current step and is not recorded. */
export class CancelledError extends Error {
  constructor(readonly step?: number) {
    super(step === undefined ? 'cancelled' : `cancelled after step ${step}`);
    this.name = 'CancelledError';
  }
}

/** The training loss (or a gradient) became NaN or infinite: the trial is recorded failed ('nan'). */
export class NonFiniteLossError extends Error {
  constructor(
    /** The optimizer step; undefined where the fault is not in a step (see NonFiniteScoreError). */
    readonly step: number | undefined,
    readonly value: number,
    what = 'loss',
    message = `training ${what} became ${value} at step ${step}`,
  ) {
    super(message);
    this.name = 'NonFiniteLossError';
  }
}

/**
 * A class score came out NaN or infinite while evaluating (or scoring teacher prompts): the
 * weights, as loaded or as trained, hold NaN or infinite values. Metrics from such scores would
 * be garbage (argmax of NaN), so the trial is recorded failed ('nan') instead.
 */
export class NonFiniteScoreError extends NonFiniteLossError {
  constructor(
    readonly evalSet: string,
    readonly example: number,
    value: number,
  ) {
    super(undefined, value, 'score', `scoring ${evalSet} gave a class score of ${value} (example ${example + 1}): the model's weights, as loaded or after training, hold NaN or infinite values`);
    this.name = 'NonFiniteScoreError';
  }
}

/**
 * Memory ran out. Throw it where the size that was asked for is known (it ends up in the failed
 * record); onnxruntime's own allocation failures are recognized by their message anyway.
 */
export class OutOfMemoryError extends Error {
  constructor(
    message: string,
    readonly requestedBytes?: number,
  ) {
    super(message);
    this.name = 'OutOfMemoryError';
  }
}

export function throwIfCancelled(signal: AbortSignal, step?: number): void {
  if (signal.aborted) throw new CancelledError(step);
}

/** While training, a failure happens in the step after the last one reported; elsewhere, after it. */
export function stepUnderWay(phase: TrialPhase | undefined, lastStep: number | undefined): number | undefined {
  return phase === 'train' ? (lastStep ?? 0) + 1 : lastStep;
}
