// The experiment file's shape, with the documentation users see on hover. Defaults come from
// protocol/experiment.ts so the table and the defaulting code agree by construction.

import { METHOD_IDS } from '../../../protocol/results';
import {
  BUILTIN_TASK_IDS,
  DATA_SOURCES,
  DEFAULT_EVALUATION as EV,
  DEFAULT_MODELS,
  DEFAULT_N,
  DEFAULT_SEED_COUNT,
  DEFAULT_TASKS,
  DEFAULT_TRAINING as TR,
  PROVIDER_IDS,
} from '../../../protocol/experiment';
import { methodList, methodMap } from './methodSchemas';
import type { ObjectNode, SchemaNode } from './schemaModel';

const MAX_SEED = 2 ** 31 - 1;

const positiveCount = (description: string, maximum: number): SchemaNode => ({ kind: 'integer', minimum: 1, maximum, description });

const training: ObjectNode = {
  kind: 'object',
  description: "Optimization settings, shared by every trained method (the study's: AdamW, linear decay after warmup).",
  properties: {
    epochs: { ...positiveCount('Passes over the few-shot training sample.', 100_000), default: TR.epochs },
    batchSize: { ...positiveCount('Examples per optimizer step (the effective batch).', 65_536), default: TR.batchSize },
    microBatchSize: {
      kind: 'union',
      default: TR.microBatchSize,
      description: 'Examples per forward/backward pass; gradients accumulate to batchSize, so results equal one big batch. `auto`: planned from memoryBudgetMB.',
      variants: [
        { kind: 'string', enum: ['auto'], description: 'Planned from the memory budget.' },
        positiveCount('Examples per pass.', 65_536),
      ],
    },
    memoryBudgetMB: {
      kind: 'union',
      default: TR.memoryBudgetMB,
      description: 'Memory the trainer may plan micro-batches for, in MB. `auto`: from free memory at start.',
      variants: [
        { kind: 'string', enum: ['auto'], description: 'From free memory at start.' },
        { kind: 'number', minimum: 16, maximum: 16_777_216, description: 'Megabytes.' },
      ],
    },
    lr: { kind: 'number', exclusiveMinimum: 0, maximum: 10, default: TR.lr, description: 'Peak learning rate.' },
    weightDecay: { kind: 'number', minimum: 0, maximum: 10, default: TR.weightDecay, description: "AdamW's decoupled weight decay." },
    warmupRatio: { kind: 'number', minimum: 0, maximum: 1, default: TR.warmupRatio, description: 'Fraction of optimizer steps with a linear warmup from 0.' },
    schedule: {
      kind: 'string',
      enum: ['linear', 'constant'],
      default: TR.schedule,
      description: "After warmup: `linear` decay to 0 (HF's get_linear_schedule_with_warmup) or `constant`.",
    },
    adamBeta1: { kind: 'number', minimum: 0, exclusiveMaximum: 1, default: TR.adamBeta1, description: "AdamW's first-moment decay." },
    adamBeta2: { kind: 'number', minimum: 0, exclusiveMaximum: 1, default: TR.adamBeta2, description: "AdamW's second-moment decay." },
    adamEpsilon: { kind: 'number', exclusiveMinimum: 0, maximum: 1, default: TR.adamEpsilon, description: "AdamW's epsilon." },
    maxLength: { kind: 'integer', minimum: 8, maximum: 1_000_000, default: TR.maxLength, description: 'Tokens per training example; longer inputs are truncated.' },
  },
};

const evaluation: ObjectNode = {
  kind: 'object',
  description: 'Evaluation on the in-domain and out-of-domain sets after training.',
  properties: {
    maxExamples: {
      kind: 'union',
      default: EV.maxExamples,
      description: 'Examples per eval set: `all`, or a fixed subset of this size (the same for every trial).',
      variants: [
        { kind: 'string', enum: ['all'], description: 'The whole set.' },
        positiveCount('Examples.', 10_000_000),
      ],
    },
    batchSize: { ...positiveCount('Examples per evaluation forward pass.', 65_536), default: EV.batchSize },
  },
};

const pattern: ObjectNode = {
  kind: 'object',
  description: "The task's pattern and verbalizers (used by pbft, distill, icl, and adaptive/lora with head `lm`).",
  properties: {
    pattern: {
      kind: 'string',
      minLength: 1,
      maxLength: 10_000,
      description: 'Text with `{field}` placeholders for the example\'s fields (cola: sentence; mnli: premise, hypothesis). `{{` and `}}` are literal braces. The verbalizer token follows it directly.',
    },
    verbalizers: {
      kind: 'object',
      description: 'Label (name such as acceptable, or class index such as 1) → the one-token text the model predicts for it, usually with a leading space (" Yes").',
      properties: {},
      additionalKeyNoun: 'label',
      additional: { kind: 'string', minLength: 1, maxLength: 200, description: 'Verbalizer text: exactly one token of the model\'s tokenizer.' },
    },
    separator: { kind: 'string', maxLength: 100, description: 'Joins in-context demonstrations (ICL and the distillation teacher). Default: the task\'s (" " for cola, "\\n\\n" otherwise).' },
  },
};

const customTask: ObjectNode = {
  kind: 'object',
  description: 'A task from your own files. Paths are relative to this experiment file.',
  required: ['train', 'eval', 'fields', 'labels'],
  properties: {
    train: { kind: 'string', minLength: 1, description: 'Training pool (few-shot samples are drawn from it).' },
    eval: { kind: 'string', minLength: 1, description: 'In-domain evaluation set (reported as `<task>-in-domain`).' },
    ood: { kind: 'string', minLength: 1, description: 'Optional out-of-domain evaluation set (reported as `<task>-ood`).' },
    format: {
      kind: 'string',
      enum: ['jsonl', 'csv', 'tsv', 'parquet'],
      description: 'Format of the files; by default each file\'s extension decides (.jsonl/.ndjson, .csv, .tsv, .parquet).',
    },
    fields: {
      kind: 'union',
      description: 'Text fields the pattern may use as placeholders: column names, or a mapping { field: column } to rename.',
      variants: [
        { kind: 'array', minItems: 1, uniqueItems: true, description: 'Column names, used as field names.', items: { kind: 'string', minLength: 1, description: 'A column name.' } },
        {
          kind: 'object',
          description: 'Field name → column name.',
          properties: {},
          additionalKeyNoun: 'field',
          additional: { kind: 'string', minLength: 1, description: 'The column holding this field.' },
        },
      ],
    },
    labelField: { kind: 'string', minLength: 1, default: 'label', description: 'Column holding the label.' },
    labels: {
      kind: 'array',
      minItems: 2,
      uniqueItems: true,
      description: 'Label names in class-index order (the names verbalizers are keyed by).',
      items: {
        kind: 'union',
        description: 'A label name.',
        variants: [
          { kind: 'string', minLength: 1, description: 'A label name.' },
          { kind: 'integer', description: 'A label name written as a number.' },
        ],
      },
    },
    labelValues: {
      kind: 'string',
      enum: ['names', 'indices'],
      default: 'names',
      description: '`names`: labelField holds one of `labels`; `indices`: it holds the class index (0, 1, …).',
    },
  },
};

const data: ObjectNode = {
  kind: 'object',
  description: 'Dataset settings for the built-in tasks, and your own tasks.',
  properties: {
    source: {
      kind: 'string',
      enum: DATA_SOURCES,
      default: 'shipped',
      description:
        "Where the built-in tasks' data comes from. `shipped`: the files in the extension's data/ folder (offline). " +
        '`hub`: the training data from the Hugging Face Hub dataset nyu-mll/glue (cola and mnli train, MNLI matched dev), ' +
        'downloaded once into the Hugging Face cache; CoLA\'s eval sets stay the shipped in_domain_dev / out_of_domain_dev ' +
        "(the Hub's CoLA validation mixes both, with nothing to tell them apart) and HANS stays shipped. " +
        'Hub MNLI trains from the whole MNLI train set, not the shipped 8,999-example pool.',
    },
    cola: {
      kind: 'object',
      description: 'CoLA settings.',
      properties: {
        inDomainEval: {
          kind: 'string',
          enum: ['in-domain-dev', 'glue-validation'],
          default: 'in-domain-dev',
          description:
            "In-domain eval set. `in-domain-dev`: in_domain_dev (527). `glue-validation` is GLUE's validation set, which is in_domain_dev plus out_of_domain_dev — the OOD set — so it is a known-flawed in-domain choice.",
        },
      },
    },
    mnli: {
      kind: 'object',
      description: 'MNLI settings (mnli and mnli-3way).',
      properties: {
        hans: {
          kind: 'string',
          enum: ['lexical_overlap', 'all'],
          default: 'lexical_overlap',
          description: 'HANS heuristics in the OOD set: lexical_overlap (what the study reports) or all three.',
        },
      },
    },
    custom: {
      kind: 'object',
      description: 'Your own tasks, by name; list the name under `tasks`.',
      properties: {},
      additionalKeyNoun: 'custom task',
      additional: customTask,
    },
  },
};

const seedPair: ObjectNode = {
  kind: 'object',
  description: 'An explicit (data seed, model seed) pair.',
  required: ['data', 'model'],
  properties: {
    data: { kind: 'integer', minimum: 0, maximum: MAX_SEED, description: 'Seeds the few-shot sample.' },
    model: { kind: 'integer', minimum: 0, maximum: MAX_SEED, description: 'Seeds head init, dropout and shuffling.' },
  },
};

export const EXPERIMENT_SCHEMA: ObjectNode = {
  kind: 'object',
  description: 'A Fine-Tune Lab experiment: a grid of models × tasks × methods × n × seeds, one trial per cell.',
  properties: {
    name: {
      kind: 'string',
      minLength: 1,
      maxLength: 100,
      description: 'Name of the experiment (part of each run id). Default: the file name without `.ftlab.yaml`.',
    },
    description: { kind: 'string', maxLength: 10_000, description: 'Free text, kept with the results.' },
    models: {
      kind: 'array',
      minItems: 1,
      maxItems: 100,
      uniqueItems: true,
      default: DEFAULT_MODELS,
      description: 'OPT models: Hugging Face Hub ids (facebook/opt-125m) or local folders (./models/x, relative to this file).',
      items: { kind: 'string', minLength: 1, maxLength: 1000, examples: DEFAULT_MODELS, description: 'A Hub id or a local folder.' },
    },
    tasks: {
      kind: 'array',
      minItems: 1,
      maxItems: 100,
      uniqueItems: true,
      default: DEFAULT_TASKS,
      description: 'Tasks: `cola`, `mnli` (binarized), `mnli-3way`, or the name of a task under `data.custom`.',
      items: { kind: 'string', minLength: 1, examples: BUILTIN_TASK_IDS, description: 'A task.' },
    },
    methods: {
      kind: 'union',
      default: METHOD_IDS,
      description: 'Methods to compare: a list, or a mapping from method to its options.',
      variants: [methodList, methodMap],
    },
    n: {
      kind: 'union',
      default: DEFAULT_N,
      description: 'Training examples per class (balanced few-shot samples): one number or a list.',
      variants: [
        positiveCount('Examples per class.', 1_000_000),
        { kind: 'array', minItems: 1, maxItems: 100, uniqueItems: true, description: 'Sizes to compare.', items: positiveCount('Examples per class.', 1_000_000) },
      ],
    },
    seeds: {
      kind: 'union',
      default: DEFAULT_SEED_COUNT,
      description:
        'Repetitions: a count K (seeds 0..K−1), a list of seeds, or {data, model} pairs. A seed s gives data seed s and model seed s.',
      variants: [
        positiveCount('Number of seeds (0..K−1).', 1000),
        {
          kind: 'array',
          minItems: 1,
          maxItems: 1000,
          uniqueItems: true,
          description: 'Seeds, or explicit pairs.',
          items: {
            kind: 'union',
            description: 'A seed, or a {data, model} pair.',
            variants: [{ kind: 'integer', minimum: 0, maximum: MAX_SEED, description: 'Data seed = model seed = this.' }, seedPair],
          },
        },
      ],
    },
    training,
    evaluation,
    patterns: {
      kind: 'object',
      description: "Patterns and verbalizers by task; a built-in task's default is llmft's minimal pattern.",
      properties: {},
      additionalKeyNoun: 'task',
      additional: pattern,
    },
    data,
    provider: {
      kind: 'string',
      enum: PROVIDER_IDS,
      description: 'onnxruntime execution provider; `auto` tries each and keeps the best that starts. Unset: the CLI flag or the ftlab.executionProvider setting.',
    },
    threads: {
      kind: 'union',
      description: 'CPU threads for training. Unset: the ftlab.threads setting.',
      variants: [
        { kind: 'string', enum: ['auto'], description: 'One per core.' },
        positiveCount('Threads.', 1024),
      ],
    },
  },
};
