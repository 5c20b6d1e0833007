// Every custom message between the extension host and the language/training server, defined once
// (vscode-eslint style). Both sides import these objects; the method strings are never repeated.
// Only `vscode-jsonrpc` message-signature classes are used here: plain values, no side effects.
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { RunManifest, TrialConfig, TrialRecord } from './results';

// ---- Languages --------------------------------------------------------------------------------

/** Experiment files: YAML, `*.ftlab.yaml`. */
export const EXPERIMENT_LANGUAGE_ID = 'ftlab-experiment';
/** Standalone prompt-pattern files: `*.ftlab-pattern` (one pattern template, see README). */
export const PATTERN_LANGUAGE_ID = 'ftlab-pattern';

// ---- Settings the server needs ----------------------------------------------------------------

export type ExecutionProviderSetting = 'auto' | 'cpu' | 'webgpu' | 'cuda';

/** The `ftlab.*` settings that matter to the server, sent at start and on every change. */
export interface ServerSettings {
  executionProvider: ExecutionProviderSetting;
  /** Intra-op threads for onnxruntime; 0 lets onnxruntime decide. */
  threads: number;
  /** Hugging Face cache folder; empty means the standard one (HF_HUB_CACHE / HF_HOME / ~/.cache). */
  hfCacheDir: string;
  /** Never touch the network: models and datasets come from local folders and the cache only. */
  offline: boolean;
  /** Where run stores go; relative paths are resolved against the experiment's workspace folder. */
  resultsDir: string;
  /**
   * Folders besides the experiment's workspace, the shipped data/models and the Hugging Face cache
   * that experiment files may read models and data from (`ftlab.data.allowedRoots`); relative
   * paths are resolved against the workspace folder. Absent: none.
   */
  allowedRoots?: string[];
}

/** `initializationOptions` of the LSP `initialize` request. */
export interface ServerInitializationOptions {
  settings: ServerSettings;
  /** Version of the extension that started the server (shown by serverInfo). */
  extensionVersion: string;
}

/** Notification sent by the client whenever an `ftlab.*` setting changes. */
export const didChangeSettings = new NotificationType<ServerSettings>('ftlab/didChangeSettings');

// ---- Server information (the skeleton's vertical slice) ---------------------------------------

export interface ExecutionProviderInfo {
  name: string;
  /** Built into this onnxruntime-node binary (cpu, webgpu on linux-x64). */
  bundled: boolean;
  /**
   * For providers that are not bundled (cuda, tensorrt): whether their provider library was found
   * next to the binding. Whether a provider really starts is only known when a session is created.
   */
  libraryPresent: boolean;
}

export interface ServerInfo {
  serverVersion: string;
  nodeVersion: string;
  platform: string;
  arch: string;
  pid: number;
  /** Set when onnxruntime-node loaded in the server process. */
  onnxruntimeVersion?: string;
  /** Why onnxruntime-node could not be loaded, when it could not. */
  onnxruntimeError?: string;
  executionProviders: ExecutionProviderInfo[];
  /** The provider setting the server currently holds. */
  executionProviderSetting: ExecutionProviderSetting;
}

export const serverInfoRequest = new RequestType0<ServerInfo, void>('ftlab/serverInfo');

// ---- Validation before a run ------------------------------------------------------------------

export interface ValidateExperimentParams {
  /** URI of the experiment file; its open editor's text is checked, else the file on disk. */
  uri: string;
}

export interface ValidateExperimentResult {
  errors: number;
  warnings: number;
  /** The first error's message, for the notification shown when the run is refused. */
  firstError?: string;
}

/**
 * Checks an experiment file now (no debounce) with the same checker as the live diagnostics, and
 * publishes its diagnostics, so the Problems panel matches the answer.
 */
export const validateExperimentRequest = new RequestType<ValidateExperimentParams, ValidateExperimentResult, void>(
  'ftlab/validateExperiment',
);

// ---- Runs (served by the experiment runner) ---------------------------------------------------

export interface StartRunParams {
  /** URI of the `*.ftlab.yaml` file; the server reads the saved file from disk. */
  experimentUri: string;
}

export interface StartRunResult {
  runId: string;
  /** Folder of the run's store (run.json + trials.jsonl). */
  runDir: string;
  totalTrials: number;
}

export const startRunRequest = new RequestType<StartRunParams, StartRunResult, void>('ftlab/startRun');

export interface CancelRunParams {
  runId: string;
}

export interface CancelRunResult {
  /** False when the run had already finished or is unknown. */
  cancelled: boolean;
}

/** Stops the run after the current step; finished trials stay in the store. */
export const cancelRunRequest = new RequestType<CancelRunParams, CancelRunResult, void>('ftlab/cancelRun');

export interface ResumeRunParams {
  runId: string;
}

/** Continues a stopped or crashed run; trials already in its store are not repeated. */
export const resumeRunRequest = new RequestType<ResumeRunParams, StartRunResult, void>('ftlab/resumeRun');

export type RunState = 'running' | 'finished' | 'cancelled' | 'failed' | 'interrupted';

export interface RunSummary {
  runId: string;
  runDir: string;
  manifest: RunManifest;
  /** 'interrupted' when the store is incomplete and no trainer is working on it (crash, reload). */
  state: RunState;
  finishedTrials: number;
  failedTrials: number;
}

export interface ListRunsParams {
  /** Workspace folder URI whose results folder is listed. */
  workspaceFolderUri: string;
}

export const listRunsRequest = new RequestType<ListRunsParams, { runs: RunSummary[] }, void>('ftlab/listRuns');

export interface ReadRunParams {
  /** The run's store folder, as listRuns or startRun gave it. */
  runDir: string;
}

export interface RunData {
  summary: RunSummary;
  /** Every readable trial line, merged by key (shards, resumes). */
  trials: TrialRecord[];
  /** Store problems that did not stop the read (e.g. a torn last line, skipped). */
  warnings: string[];
}

/** Everything the results panel shows for one run. */
export const readRunRequest = new RequestType<ReadRunParams, RunData, void>('ftlab/readRun');

export interface RunProgress {
  runId: string;
  totalTrials: number;
  /** Trials in the store, including those finished before a resume. */
  finishedTrials: number;
  failedTrials: number;
  /** The trial being trained now, if any. */
  current?: {
    key: string;
    config: TrialConfig;
    epoch: number;
    epochs: number;
    step: number;
    steps: number;
  };
  /** Estimated seconds until the run ends, once there is enough timing to tell. */
  etaS?: number;
}

export const runProgressNotification = new NotificationType<RunProgress>('ftlab/runProgress');

export interface TrialFinished {
  runId: string;
  record: TrialRecord;
}

export const trialFinishedNotification = new NotificationType<TrialFinished>('ftlab/trialFinished');

export interface RunFinished {
  runId: string;
  state: Exclude<RunState, 'running'>;
  finishedTrials: number;
  failedTrials: number;
  totalTrials: number;
  /** Why the run stopped, when it failed (e.g. the trainer crashed). */
  error?: string;
}

export const runFinishedNotification = new NotificationType<RunFinished>('ftlab/runFinished');

// ---- Cluster runs (issue 9: a grid handed to Slurm or Kubernetes, one shard per task) --------

export type ClusterScheduler = 'slurm' | 'k8s';

export interface SubmitClusterParams {
  /** URI of the saved `*.ftlab.yaml` file; the shards read it from disk (Slurm) or a ConfigMap (k8s). */
  experimentUri: string;
  scheduler: ClusterScheduler;
  /** Array tasks (Slurm) or pods (k8s), one shard of the grid each. */
  shards: number;
  /** Slurm: `#SBATCH --partition` (a comma list works); default the cluster's. */
  partition?: string;
  /** Slurm: GPUs per array task, `N` or `type:N` (e.g. `a100:1`). */
  gpusPerTask?: number | string;
  /** Slurm: CPUs per array task (default 1), also each shard's thread count. */
  cpusPerTask?: number;
  /** Slurm: time limit (`MM`, `HH:MM:SS`, `D-HH:MM`, …); default the partition's. */
  time?: string;
  /** k8s: container image with ftlab on its PATH (required for k8s). */
  image?: string;
  /** k8s: PersistentVolumeClaim holding the results folder (default `ftlab-results`). */
  pvc?: string;
  /** Only render the script or manifest: nothing is written or submitted. */
  dryRun?: boolean;
}

export interface SubmitClusterResult {
  runId: string;
  /** The run's folder in the results folder (`ftlab.resultsDir`), where the shards' logs merge. */
  runDir: string;
  scheduler: ClusterScheduler;
  shards: number;
  /** Trials in the whole grid (all shards). */
  totalTrials: number;
  /** Slurm: the array job id sbatch printed (absent on a dry run). */
  jobId?: string;
  /** Slurm: the sbatch script as written into the run folder. */
  scriptPath?: string;
  /** Slurm: folder of the per-task logs (`slurm-<job>_<shard>.out`). */
  logDir?: string;
  /** k8s: the manifest as written into the run folder, for `kubectl apply -f`. */
  manifestPath?: string;
  /** The sbatch script or the Kubernetes manifest. */
  text: string;
}

/**
 * Validates the experiment (errors: ResponseError InvalidParams with `data.diagnostics`, as
 * startRun), then writes and submits the sbatch script, or writes the Kubernetes manifest.
 */
export const submitClusterRequest = new RequestType<SubmitClusterParams, SubmitClusterResult, void>('ftlab/submitCluster');

export interface ClusterStatusParams {
  /** The run folder submitCluster answered with. */
  runDir: string;
}

/** One shard's array task as the scheduler sees it (Slurm only). */
export interface ClusterShardState {
  shardIndex: number;
  jobId: string;
  /** PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, …; absent when Slurm has forgotten the job. */
  state?: string;
  /** Why the task waits or ended (`Resources`, `None`, …). */
  reason?: string;
  /** `exit:signal`, as Slurm prints it. */
  exitCode?: string;
  /** True when the task will not run again by itself (any end state, or forgotten by Slurm). */
  ended: boolean;
  logPath: string;
}

export interface ClusterStatus {
  runId: string;
  runDir: string;
  /** Undefined until the first shard has started and written run.json. */
  totalTrials?: number;
  finished: number;
  failed: number;
  /** Trials being trained now (one per live shard). */
  running: number;
  /** Undefined until the grid is known (run.json). */
  pending?: number;
  /** Trials with more than one finished record; stays 0 when shards merge correctly. */
  duplicates: number;
  /** From the run's cluster record; undefined for a run never submitted to a cluster. */
  scheduler?: ClusterScheduler;
  shardCount?: number;
  /** Slurm's view of each shard; empty for Kubernetes or when Slurm could not be asked. */
  shards: ClusterShardState[];
  /** Shards whose task ended without success: the ones to resubmit. */
  shardsToResubmit: number[];
  /** Why Slurm could not be asked (e.g. no `scontrol` on this machine); the counts still hold. */
  schedulerError?: string;
  /** `ftlab status` text of the run, for the output channel. */
  text: string;
}

/** Where a cluster run stands: the merged store's counts and the scheduler's shard states. */
export const clusterStatusRequest = new RequestType<ClusterStatusParams, ClusterStatus, void>('ftlab/clusterStatus');
