// The experiment spec: what a `*.ftlab.yaml` file means once parsed, validated and defaulted.
// One type for the CLI, the runner and the language server (server/core/experiment/ parses into it).
//
// Defaults are the study's (arXiv:2405.13181; Mosbach et al. 2023): 40 epochs, batch 32,
// lr 1e-5, AdamW, weight decay 0, linear decay after a 10% warmup, max length 128,
// n ∈ {2,16,32,64,128} per class, 10 seeds, facebook/opt-125m and facebook/opt-350m, CoLA and MNLI.
// Pure data and pure functions only: this module is imported by every process.

import type { EvalRole, MethodId } from './results';

export type BuiltinTaskId = 'cola' | 'mnli' | 'mnli-3way';
export const BUILTIN_TASK_IDS: readonly BuiltinTaskId[] = ['cola', 'mnli', 'mnli-3way'];

export type ProviderId = 'auto' | 'cpu' | 'webgpu' | 'cuda';
export const PROVIDER_IDS: readonly ProviderId[] = ['auto', 'cpu', 'webgpu', 'cuda'];

/** A model as the file names it. `name` goes into trial keys; `location` is what to load. */
export interface ModelRef {
  /** Exactly as written in the file (e.g. "facebook/opt-125m" or "../models/tiny-opt-demo"). */
  name: string;
  /** Names starting with `.`, `/` or `~` (or a drive letter) are local folders; anything else is a Hub id. */
  source: 'hub' | 'local';
  /** Hub repo id, or the absolute folder path (resolved against the experiment file's folder). */
  location: string;
}

/**
 * One repetition of every cell. The data seed draws the few-shot sample; the model seed drives head
 * init, dropout and shuffling. `seeds: K` gives pairs (s, s) for s = 0..K-1 and `seeds: [a, b]` gives
 * (a, a), (b, b); consumers must derive separate random streams from the two (equal numbers must not
 * mean correlated draws). Explicit `{data, model}` pairs allow anything else, e.g. the study's code
 * held the model seed at 0 and varied only the data seed.
 */
export interface SeedPair {
  dataSeed: number;
  modelSeed: number;
}

/**
 * A pattern turns an example into text; the verbalizer of a label is the text (one token of the
 * model's tokenizer, usually with a leading space) that the model should predict right after it.
 * Placeholders are `{field}`; `{{` and `}}` are literal braces (grammar: server/core/data/pattern.ts).
 */
export interface PatternSpec {
  pattern: string;
  /** Label name (e.g. "acceptable") → verbalizer text (e.g. " Yes"). One entry per label. */
  verbalizers: Record<string, string>;
  /** Joins in-context demonstrations (ICL, and the teacher's context in distillation). */
  separator: string;
}

export type IclPromptFormat = 'pattern' | 'minimal' | 'gpt-3' | 'eval-harness';
export const ICL_FORMATS: readonly IclPromptFormat[] = ['pattern', 'minimal', 'gpt-3', 'eval-harness'];

export type HeadKind = 'cls' | 'lm';

export interface VanillaOptions {
  /** `linear`: HF OPTForSequenceClassification's score layer (llmft's MLP head is not implemented). */
  head: 'linear';
}
export interface PbftOptions {
  /** Cross-entropy over the verbalizer tokens only, or over the full vocabulary (as llmft). */
  loss: 'verbalizers' | 'full-vocab';
}
export interface AdaptiveOptions {
  /** Bottom k decoder layers frozen. */
  frozenLayers: number;
  freezeEmbeddings: boolean;
  /** Layer i (0 = bottom) of L trains at lr · lrDecay^(L−1−i). 1 = no decay. */
  lrDecay: number;
  head: HeadKind;
}
export interface LoraOptions {
  r: number;
  alpha: number;
  dropout: number;
  /** Linear layers to adapt, by name (q_proj, k_proj, v_proj, out_proj, fc1, fc2). */
  targetModules: string[];
  /** `lm`: verbalizer scoring through the LM head (llmft's LoRA runs); `cls`: a classification head. */
  head: HeadKind;
}
export interface DistillOptions {
  /** What the frozen teacher sees before the input. */
  context: 'demonstrations' | 'instruction';
  /** Demonstrations per class in the teacher's context (drawn from the trial's few-shot sample). */
  k: number;
  /** The teacher's instruction when context = instruction. */
  instruction?: string;
  /** Weight of the distillation term: α·T²·KL(teacher‖student) + (1−α)·CE. */
  alpha: number;
  temperature: number;
}
export interface IclOptions {
  /** Demonstrations per class, drawn from the trial's few-shot sample (balanced). */
  k: number;
  /** `pattern` uses the task's pattern; the others are Mosbach et al.'s prompt formats (server/core/data/defaults.ts). */
  format: IclPromptFormat;
  /** Context limit in tokens; `model` = the model's maximum positions. Longer prompts drop demonstrations. */
  maxLength: number | 'model';
}

export interface MethodOptions {
  vanilla: VanillaOptions;
  pbft: PbftOptions;
  adaptive: AdaptiveOptions;
  lora: LoraOptions;
  distill: DistillOptions;
  icl: IclOptions;
}

export interface TrainingSettings {
  epochs: number;
  /** Examples per optimizer step (the effective batch). */
  batchSize: number;
  /** Examples per forward/backward pass; gradients accumulate up to batchSize. `auto`: from the memory budget. */
  microBatchSize: number | 'auto';
  /** Memory the trainer may plan micro-batches for; `auto`: from free memory at start. */
  memoryBudgetMB: number | 'auto';
  lr: number;
  weightDecay: number;
  /** Fraction of all optimizer steps spent warming the learning rate up linearly from 0. */
  warmupRatio: number;
  /** After warmup: `linear` decay to 0 (HF's get_linear_schedule_with_warmup) or `constant`. */
  schedule: 'linear' | 'constant';
  adamBeta1: number;
  adamBeta2: number;
  adamEpsilon: number;
  /** Tokens per training example (longer inputs are truncated). */
  maxLength: number;
}

export interface EvaluationSettings {
  /** Examples per eval set: `all`, or a fixed subset (the same for every trial) of this size. */
  maxExamples: number | 'all';
  batchSize: number;
}

export type ColaInDomainEval = 'in-domain-dev' | 'glue-validation';
export type HansSubset = 'lexical_overlap' | 'all';

export type CustomFileFormat = 'jsonl' | 'csv' | 'tsv' | 'parquet';

export interface CustomDataFile {
  /** Absolute (resolved against the experiment file's folder). */
  path: string;
  /** Absent: from the extension (.jsonl/.ndjson, .csv, .tsv, .parquet). */
  format?: CustomFileFormat;
}

/** A task from the user's files; the shape server/core/data's loadCustomTask reads. */
export interface CustomTaskSpec {
  name: string;
  train: CustomDataFile;
  /** `<name>-in-domain` (the file's `eval`) and, when given, `<name>-ood`. */
  evals: (CustomDataFile & { name: string; role: EvalRole })[];
  /** Column names (used as field names), or { fieldName: columnName }. */
  fields: string[] | Record<string, string>;
  labelField: string;
  /** Label names in class-index order. */
  labels: string[];
  /** How labelField holds the label: as one of `labels` (names) or as a class index (indices). */
  labelValues: 'names' | 'indices';
}

/**
 * Where the built-in tasks' data comes from. `shipped`: the files under data/. `hub`: the train
 * pools (and MNLI's matched dev) from the Hugging Face Hub dataset nyu-mll/glue through the HF cache;
 * CoLA's eval sets and HANS stay shipped (server/core/data/hubTasks.ts says why).
 */
export type DataSource = 'shipped' | 'hub';
export const DATA_SOURCES: readonly DataSource[] = ['shipped', 'hub'];

export interface DataSettings {
  /** Absent: `shipped`. */
  source?: DataSource;
  cola: { inDomainEval: ColaInDomainEval };
  /** Applies to mnli and mnli-3way: which HANS heuristics form the OOD set (the study: lexical_overlap). */
  mnli: { hans: HansSubset };
  custom: Record<string, CustomTaskSpec>;
}

export interface ExperimentSpec {
  name: string;
  description?: string;
  models: ModelRef[];
  /** Built-in task ids or names of tasks under data.custom. */
  tasks: string[];
  methods: MethodId[];
  /** Options of every method (defaults filled), including ones not in `methods`. */
  methodOptions: MethodOptions;
  /** Training examples per class. */
  n: number[];
  seeds: SeedPair[];
  training: TrainingSettings;
  evaluation: EvaluationSettings;
  /** For every built-in task in `tasks` (defaults filled) and every custom task the file gives a pattern for. */
  patterns: Record<string, PatternSpec>;
  data: DataSettings;
  /** Unset: the CLI flag or the `ftlab.executionProvider` setting decides (else auto). */
  provider?: ProviderId;
  threads?: number | 'auto';
  /** Folder relative paths were resolved against (the experiment file's folder), when known. */
  baseDir?: string;
}

export const DEFAULT_TRAINING: TrainingSettings = {
  epochs: 40,
  batchSize: 32,
  microBatchSize: 'auto',
  memoryBudgetMB: 'auto',
  lr: 1e-5,
  weightDecay: 0,
  warmupRatio: 0.1,
  schedule: 'linear',
  adamBeta1: 0.9,
  adamBeta2: 0.999,
  adamEpsilon: 1e-8,
  maxLength: 128,
};

export const DEFAULT_EVALUATION: EvaluationSettings = { maxExamples: 'all', batchSize: 32 };

export const DEFAULT_METHOD_OPTIONS: MethodOptions = {
  vanilla: { head: 'linear' },
  pbft: { loss: 'verbalizers' },
  adaptive: { frozenLayers: 0, freezeEmbeddings: true, lrDecay: 0.9, head: 'cls' },
  lora: { r: 8, alpha: 16, dropout: 0, targetModules: ['q_proj', 'v_proj'], head: 'lm' },
  distill: { context: 'demonstrations', k: 2, alpha: 0.5, temperature: 2 },
  icl: { k: 2, format: 'pattern', maxLength: 'model' },
};

export const DEFAULT_MODELS: readonly string[] = ['facebook/opt-125m', 'facebook/opt-350m'];
export const DEFAULT_TASKS: readonly string[] = ['cola', 'mnli'];
export const DEFAULT_N: readonly number[] = [2, 16, 32, 64, 128];
export const DEFAULT_SEED_COUNT = 10;

/** Linear layers of an OPT decoder block that LoRA can target. */
export const OPT_LINEAR_MODULES: readonly string[] = ['q_proj', 'k_proj', 'v_proj', 'out_proj', 'fc1', 'fc2'];

/** Whether a method reads the task's pattern and verbalizers under the given options. */
export function methodUsesPattern(method: MethodId, options: MethodOptions): boolean {
  switch (method) {
    case 'vanilla':
      return false;
    case 'pbft':
    case 'distill':
    case 'icl':
      return true;
    case 'adaptive':
      return options.adaptive.head === 'lm';
    case 'lora':
      return options.lora.head === 'lm';
  }
}

// ── Built-in tasks ────────────────────────────────────────────────────────────────────────────
// What the validator needs to know about a built-in task without reading its data. The data layer
// (server/core/data/tasks.ts) reads the same tasks with the same field and label names; their default
// patterns, verbalizers and ICL formats live in server/core/data/defaults.ts.

export interface TaskLabel {
  /** Class index as text ("0"); a verbalizer map may be keyed by it or by the name. */
  id: string;
  name: string;
}

export interface BuiltinTaskInfo {
  description: string;
  /** Text fields of an example: the placeholders a pattern may use. */
  fields: readonly string[];
  /** In class-index order. */
  labels: readonly TaskLabel[];
}

const labelsOf = (...names: string[]): TaskLabel[] => names.map((name, i) => ({ id: String(i), name }));

export const BUILTIN_TASKS: Record<BuiltinTaskId, BuiltinTaskInfo> = {
  cola: {
    description:
      'CoLA (grammatical acceptability). Train: in_domain_train; in-domain eval: in_domain_dev (527); OOD eval: out_of_domain_dev (516).',
    fields: ['sentence'],
    labels: labelsOf('unacceptable', 'acceptable'),
  },
  mnli: {
    description:
      'MNLI binarized (neutral removed; entailment 0, contradiction 1). In-domain eval: matched dev; OOD eval: HANS (non-entailment read as contradiction).',
    fields: ['premise', 'hypothesis'],
    labels: labelsOf('entailment', 'contradiction'),
  },
  'mnli-3way': {
    description:
      'MNLI with all three labels (entailment 0, neutral 1, contradiction 2). OOD eval: HANS (neutral or contradiction counts as non-entailment).',
    fields: ['premise', 'hypothesis'],
    labels: labelsOf('entailment', 'neutral', 'contradiction'),
  },
};

export function isBuiltinTask(task: string): task is BuiltinTaskId {
  return (BUILTIN_TASK_IDS as readonly string[]).includes(task);
}

// ── Models whose shape is known without reading a config ──────────────────────────────────────

export interface ModelShape {
  hiddenSize: number;
  numLayers: number;
  maxPositions: number;
}

/** From the models' config.json (data/opt/*). */
export const KNOWN_MODEL_SHAPES: Record<string, ModelShape> = {
  'facebook/opt-125m': { hiddenSize: 768, numLayers: 12, maxPositions: 2048 },
  'facebook/opt-350m': { hiddenSize: 1024, numLayers: 24, maxPositions: 2048 },
};

// ── Diagnostics (LSP-shaped plain types; severities use LSP's numbers) ──────────────────────────

export const DiagnosticSeverity = { Error: 1, Warning: 2, Information: 3, Hint: 4 } as const;
export type DiagnosticSeverity = (typeof DiagnosticSeverity)[keyof typeof DiagnosticSeverity];

/** Zero-based line; character in UTF-16 code units (LSP's default position encoding). */
export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

export interface DiagnosticData {
  /** The value the user probably meant (a key, an enum value, a verbalizer). */
  suggestion?: string;
  /** YAML source text that puts `suggestion` in place of the diagnostic's range (a quick fix). */
  replacement?: string;
  /** Tokens a verbalizer splits into. */
  tokens?: string[];
  /** The YAML parser's own error code, for syntax errors. */
  yamlCode?: string;
}

export interface ExperimentDiagnostic {
  severity: DiagnosticSeverity;
  message: string;
  range: Range;
  /** Stable id of the kind of mistake (see server/core/experiment/codes.ts). */
  code: string;
  source: 'ftlab';
  data?: DiagnosticData;
}

export interface ExperimentParseResult {
  /** Present when there are no errors (warnings allowed): every default filled in. */
  spec?: ExperimentSpec;
  diagnostics: ExperimentDiagnostic[];
}
