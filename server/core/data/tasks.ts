// The task registry: the built-in tasks (cola, mnli, mnli-3way) and tasks built from the user's files.
//
// TASKS describes each built-in task without reading any file (fields, labels, eval sets, default
// prompting), which is what the language server needs for completion and diagnostics; loadTask reads
// the data.

import { isAbsolute, join, resolve } from 'node:path';
import type { EvalRole } from '../../../protocol/results';
import type { Dataset, EvalSplit } from './example';
import { COLA_FIELDS, COLA_LABELS, loadCola } from './cola';
import { COLA_PROMPTING, MNLI_3WAY_PROMPTING, MNLI_PROMPTING, type TaskPrompting } from './defaults';
import { hansSplit, type HansSubset } from './hans';
import { MNLI_FIELDS, MNLI_LABELS, mnliPaths, readMnliJsonl, readMnliTrainPool, type MnliLabelMode } from './mnli';
import { readParquetExamples } from './parquet';
import { fieldColumns, formatFromPath, readUserData, type FieldMapping, type UserDataFormat } from './userData';

export type BuiltinTaskName = 'cola' | 'mnli' | 'mnli-3way';
export const BUILTIN_TASK_NAMES: readonly BuiltinTaskName[] = ['cola', 'mnli', 'mnli-3way'];

export interface TaskInfo {
  name: BuiltinTaskName;
  description: string;
  fieldNames: string[];
  labelNames: string[];
  /** Eval sets loadTask produces, by name (with the default HANS subset for MNLI). */
  evalSets: Array<{ name: string; role: EvalRole }>;
  prompting: TaskPrompting;
}

export const TASKS: Record<BuiltinTaskName, TaskInfo> = {
  cola: {
    name: 'cola',
    description: 'CoLA acceptability; in-domain dev (527) and out-of-domain dev (516) from the raw release',
    fieldNames: COLA_FIELDS,
    labelNames: COLA_LABELS,
    evalSets: [
      { name: 'cola-in-domain-dev', role: 'in-domain' },
      { name: 'cola-ood-dev', role: 'ood' },
    ],
    prompting: COLA_PROMPTING,
  },
  mnli: {
    name: 'mnli',
    description: 'MNLI binarized (neutral removed; entailment 0, contradiction 1); matched dev in-domain, HANS out-of-domain',
    fieldNames: MNLI_FIELDS,
    labelNames: MNLI_LABELS.binary,
    evalSets: [
      { name: 'mnli-matched-dev', role: 'in-domain' },
      { name: 'hans-lexical-overlap', role: 'ood' },
    ],
    prompting: MNLI_PROMPTING,
  },
  'mnli-3way': {
    name: 'mnli-3way',
    description: 'MNLI three-way (entailment, neutral, contradiction); HANS scored as entailment vs non-entailment',
    fieldNames: MNLI_FIELDS,
    labelNames: MNLI_LABELS['three-way'],
    evalSets: [
      { name: 'mnli-matched-dev', role: 'in-domain' },
      { name: 'hans-lexical-overlap', role: 'ood' },
    ],
    prompting: MNLI_3WAY_PROMPTING,
  },
};

export function isBuiltinTask(name: string): name is BuiltinTaskName {
  return (BUILTIN_TASK_NAMES as readonly string[]).includes(name);
}

export interface LoadTaskOptions {
  /** The folder holding cola/, mnli/ and hans/ (the repository's data/ or its copy next to dist/). */
  dataRoot: string;
  /** Which HANS heuristics MNLI is evaluated on out of domain (default: lexical_overlap, as the study). */
  hans?: HansSubset;
}

function loadMnli(dataRoot: string, mode: MnliLabelMode, hans: HansSubset, name: BuiltinTaskName): Dataset {
  const paths = mnliPaths(dataRoot);
  const labelNames = MNLI_LABELS[mode];
  return {
    name,
    fieldNames: MNLI_FIELDS,
    labelNames,
    train: readMnliTrainPool(paths.train, mode),
    trainSource: paths.train,
    evals: [
      { name: 'mnli-matched-dev', role: 'in-domain', labelNames, examples: readMnliJsonl(paths.devMatched, mode), source: paths.devMatched },
      hansSplit(join(dataRoot, 'hans', 'hans_sample3000.tsv'), hans, mode),
    ],
  };
}

/** Reads a built-in task's data. */
export async function loadTask(name: BuiltinTaskName, options: LoadTaskOptions): Promise<Dataset> {
  const hans = options.hans ?? 'lexical_overlap';
  switch (name) {
    case 'cola':
      return loadCola(options.dataRoot);
    case 'mnli':
      return loadMnli(options.dataRoot, 'binary', hans, name);
    case 'mnli-3way':
      return loadMnli(options.dataRoot, 'three-way', hans, name);
  }
}

export type CustomFileFormat = UserDataFormat | 'parquet';

export interface CustomFileSpec {
  path: string;
  /** Inferred from the extension when absent (.jsonl, .csv, .tsv, .parquet). */
  format?: CustomFileFormat;
}

/** A task from the user's files: one train pool and any number of eval sets, sharing one mapping. */
export interface CustomTaskSpec extends FieldMapping {
  name: string;
  train: CustomFileSpec;
  evals: Array<CustomFileSpec & { name: string; role: EvalRole }>;
}

async function readCustomFile(spec: CustomFileSpec, mapping: FieldMapping, baseDir: string): Promise<{ file: string; examples: Dataset['train'] }> {
  const file = isAbsolute(spec.path) ? spec.path : resolve(baseDir, spec.path);
  const format = spec.format ?? (file.toLowerCase().endsWith('.parquet') ? 'parquet' : formatFromPath(file));
  if (format === 'parquet') {
    const examples = await readParquetExamples(file, {
      fields: fieldColumns(mapping.fields),
      labelColumn: mapping.labelField,
      mapLabel: (raw) => {
        if (mapping.labelValues === 'indices') return typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw < mapping.labels.length ? raw : undefined;
        const index = mapping.labels.indexOf(String(raw));
        return index >= 0 ? index : undefined;
      },
    });
    return { file, examples };
  }
  return { file, examples: readUserData(file, mapping, format) };
}

/** Reads a custom task; relative paths resolve against `baseDir` (the experiment file's folder). */
export async function loadCustomTask(spec: CustomTaskSpec, options: { baseDir: string }): Promise<Dataset> {
  const fieldNames = Object.keys(fieldColumns(spec.fields));
  const train = await readCustomFile(spec.train, spec, options.baseDir);
  const evals: EvalSplit[] = [];
  for (const evalSpec of spec.evals) {
    const read = await readCustomFile(evalSpec, spec, options.baseDir);
    evals.push({ name: evalSpec.name, role: evalSpec.role, labelNames: spec.labels, examples: read.examples, source: read.file });
  }
  return { name: spec.name, fieldNames, labelNames: spec.labels, train: train.examples, trainSource: train.file, evals };
}
