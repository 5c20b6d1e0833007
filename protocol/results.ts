// Result records: what the runner appends to a run's store and what the CLI report, the
// webview and the cluster merge read. One shape for all of them, so it lives here.
//
// Store layout: <resultsDir>/<run-id>/run.json (RunManifest) + trials.jsonl (one TrialRecord a line).

export type MethodId = 'vanilla' | 'pbft' | 'adaptive' | 'lora' | 'distill' | 'icl';

export const METHOD_IDS: readonly MethodId[] = ['vanilla', 'pbft', 'adaptive', 'lora', 'distill', 'icl'];

export const METHOD_LABELS: Record<MethodId, string> = {
  vanilla: 'Vanilla FT',
  pbft: 'Pattern-based FT',
  adaptive: 'Adaptive FT',
  lora: 'LoRA',
  distill: 'Context distillation',
  icl: 'In-context learning',
};

/** Whether an eval set is from the training distribution or shifted (OOD). */
export type EvalRole = 'in-domain' | 'ood';

export interface EvalMetrics {
  role: EvalRole;
  /** Number of examples evaluated. */
  count: number;
  accuracy: number;
  /** Matthews correlation (CoLA's official metric); 0 when a class is never predicted. */
  mcc: number;
  macroF1: number;
  /** Accuracy of always predicting the eval set's most frequent class. */
  majority: number;
  /** ICL only: examples whose demonstrations were dropped to fit the model's maximum length. */
  truncated?: number;
}

/** The coordinates of one trial in an experiment grid. */
export interface TrialConfig {
  model: string;
  task: string;
  method: MethodId;
  /** Training examples per class. */
  n: number;
  /** Seeds the few-shot sample. */
  dataSeed: number;
  /** Seeds head init, dropout and shuffling. */
  modelSeed: number;
}

export interface TrialError {
  message: string;
  /** Optimizer step at which the trial stopped, where known. */
  step?: number;
  kind: 'nan' | 'oom' | 'crash' | 'error';
}

export interface TrialRecord {
  /** Stable key of the trial in its grid: equal configs give equal keys. */
  key: string;
  status: 'finished' | 'failed';
  config: TrialConfig;
  /** Mean training loss per epoch (empty for ICL). */
  trainLoss: number[];
  /** Metrics per eval set name (e.g. "cola-in-domain-dev", "cola-ood-dev"). */
  metrics: Record<string, EvalMetrics>;
  wallTimeS: number;
  peakMemoryBytes: number;
  trainableParams: number;
  provider: string;
  error?: TrialError;
  /** ISO time the record was written. */
  finishedAt: string;
  /** Which shard produced the record, when the run was sharded ("i/N"). */
  shard?: string;
}

export interface RunManifest {
  runId: string;
  createdAt: string;
  /** Path of the experiment file the run came from, as given. */
  experimentPath: string;
  /** The parsed experiment spec (protocol/experiment.ts), kept verbatim for reproducibility. */
  spec: unknown;
  /** Total trials in the full grid (all shards). */
  totalTrials: number;
  versions: { ftlab: string; onnxruntime: string; node: string };
  provider: string;
  machine: { platform: string; arch: string; cpus: number; memoryBytes: number; hostname: string };
}
