// Messages between the run orchestrator (server/runner/, in the language server or CLI process) and
// the trainer child process (server/trainer/) over Node's IPC channel. Training runs in its own
// process because onnxruntime's session.run blocks the event loop and a native crash must not take
// the language server (or the CLI's progress display) down with it.
//
// Flow: runner forks the trainer → trainer says `ready` → runner sends one `assign` → trainer runs
// the trials one after another, appending each result to the store itself, and streams
// trialStarted / phase / step / trialFinished → `runFinished` (then it exits). `cancel` may come at
// any time: the trainer stops after the current optimizer step and records nothing for that trial.

import type { ExperimentSpec, ProviderId } from './experiment';
import type { TrialConfig, TrialRecord } from './results';

/** Hugging Face Hub settings a trial uses to find or download its model. */
export interface HubSettings {
  /** Hub cache folder; unset: the standard one (HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub). */
  cacheDir?: string;
  /** Never touch the network (like HF_HUB_OFFLINE=1). */
  offline: boolean;
}

export interface TrialAssignment {
  key: string;
  config: TrialConfig;
}

export interface AssignMessage {
  type: 'assign';
  runId: string;
  runDir: string;
  /** The run's spec as stored in run.json (never re-read from the experiment file). */
  spec: ExperimentSpec;
  /** Trials to run, in order. */
  trials: TrialAssignment[];
  /** "i/N" when the run is one shard of a grid: selects the shard's own trial log. */
  shard?: string;
  provider: ProviderId;
  /** onnxruntime intra-op threads; unset: onnxruntime decides. */
  threads?: number;
  /** The shipped data folder (data/), when one was found. */
  dataRoot?: string;
  hub: HubSettings;
}

export interface CancelMessage {
  type: 'cancel';
}

export type RunnerToTrainer = AssignMessage | CancelMessage;

/** What a trial is doing: loading (model, data, graphs; downloads included), training, evaluating. */
export type TrialPhase = 'load' | 'train' | 'eval';

export interface StepProgress {
  /** 1-based optimizer step within the trial. */
  step: number;
  steps: number;
  /** 1-based epoch. */
  epoch: number;
  epochs: number;
  /** Mean training loss of this step. */
  loss: number;
}

export type TrainerToRunner =
  | { type: 'ready'; pid: number }
  | { type: 'trialStarted'; key: string; startedAt: string }
  | { type: 'phase'; key: string; phase: TrialPhase; detail?: string }
  | ({ type: 'step'; key: string } & StepProgress)
  /** Sent after the record is appended and fsynced: finished, or failed ('nan', 'oom', 'error'). */
  | { type: 'trialFinished'; record: TrialRecord }
  | { type: 'runFinished'; state: 'finished' | 'cancelled' }
  /** The trainer cannot go on (e.g. the store cannot be written); it exits after sending this. */
  | { type: 'fatal'; message: string; code?: string };

const TRAINER_MESSAGE_TYPES = new Set(['ready', 'trialStarted', 'phase', 'step', 'trialFinished', 'runFinished', 'fatal']);

/** A light shape check at the process boundary: anything else on the channel is ignored. */
export function isTrainerMessage(value: unknown): value is TrainerToRunner {
  return !!value && typeof value === 'object' && TRAINER_MESSAGE_TYPES.has((value as { type?: unknown }).type as string);
}

export function isRunnerMessage(value: unknown): value is RunnerToTrainer {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'assign' || type === 'cancel';
}
