// Checked file data → a complete ExperimentSpec: every default filled, seeds expanded into pairs,
// verbalizer keys turned into label ids, paths made absolute. Works on partial data too (values
// that failed their checks are simply absent), so the semantic checks can run on a best guess.

import { homedir } from 'node:os';
import { basename, isAbsolute, resolve } from 'node:path';
import { METHOD_IDS, type MethodId } from '../../../protocol/results';
import { COLA_PROMPTING, MNLI_3WAY_PROMPTING, MNLI_PROMPTING, type TaskPrompting } from '../data/defaults';
import {
  BUILTIN_TASKS,
  DATA_SOURCES,
  DEFAULT_EVALUATION,
  DEFAULT_METHOD_OPTIONS,
  DEFAULT_MODELS,
  DEFAULT_N,
  DEFAULT_SEED_COUNT,
  DEFAULT_TASKS,
  DEFAULT_TRAINING,
  isBuiltinTask,
  type BuiltinTaskId,
  type CustomFileFormat,
  type CustomTaskSpec,
  type DataSource,
  type ExperimentSpec,
  type MethodOptions,
  type ModelRef,
  type PatternSpec,
  type SeedPair,
  type TaskLabel,
} from '../../../protocol/experiment';

type Raw = Record<string, unknown>;

/** Default prompting of the built-in tasks (patterns, verbalizers, ICL formats): the data layer's. */
export const BUILTIN_PROMPTING: Record<BuiltinTaskId, TaskPrompting> = {
  cola: COLA_PROMPTING,
  mnli: MNLI_PROMPTING,
  'mnli-3way': MNLI_3WAY_PROMPTING,
};

/**
 * Sets an own property even for keys like `__proto__`, which plain assignment would turn into a
 * prototype change: file-chosen names (tasks, labels) are data, never object structure.
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `record[key]` when it is the record's own entry: `constructor` or `toString` as a task name is not a lookup into Object.prototype. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export const obj = (v: unknown): Raw => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});
const defined = <T>(list: readonly (T | undefined)[]): T[] => list.filter((v): v is T => v !== undefined);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? defined(v).filter((s): s is string => typeof s === 'string') : undefined);

/** Local folders start with `.`, `/`, `\`, `~` or a drive letter; anything else is a Hub id. */
export function isLocalModelName(name: string): boolean {
  return /^(\.{1,2}([\\/]|$)|[\\/]|~([\\/]|$)|[A-Za-z]:[\\/])/.test(name);
}

export function toModelRef(name: string, baseDir: string | undefined): ModelRef {
  if (!isLocalModelName(name)) return { name, source: 'hub', location: name };
  const expanded = name.startsWith('~') ? homedir() + name.slice(1) : name;
  const location = isAbsolute(expanded) || !baseDir ? expanded : resolve(baseDir, expanded);
  return { name, source: 'local', location };
}

/** `demo.ftlab.yaml` → `demo`. */
export function nameFromFile(filePath: string | undefined): string {
  if (!filePath) return 'experiment';
  return basename(filePath).replace(/(\.ftlab)?\.ya?ml$/i, '') || 'experiment';
}

export function methodsOf(raw: unknown): MethodId[] {
  if (raw === undefined) return [...METHOD_IDS];
  const ids = Array.isArray(raw) ? defined(raw) : Object.keys(obj(raw));
  return ids.filter((m): m is MethodId => (METHOD_IDS as readonly unknown[]).includes(m));
}

function methodOptionsOf(raw: unknown): MethodOptions {
  const given = Array.isArray(raw) ? {} : obj(raw);
  const merged = {} as Record<MethodId, unknown>;
  for (const id of METHOD_IDS) merged[id] = { ...DEFAULT_METHOD_OPTIONS[id], ...obj(given[id]) };
  return merged as MethodOptions;
}

export function seedsOf(raw: unknown): SeedPair[] {
  if (typeof raw === 'number') return Array.from({ length: raw }, (_, s) => ({ dataSeed: s, modelSeed: s }));
  if (!Array.isArray(raw)) return seedsOf(DEFAULT_SEED_COUNT);
  return defined(raw).map((item) => {
    if (typeof item === 'number') return { dataSeed: item, modelSeed: item };
    const pair = obj(item);
    return { dataSeed: pair.data as number, modelSeed: pair.model as number };
  }).filter((p) => typeof p.dataSeed === 'number' && typeof p.modelSeed === 'number');
}

/** A label as written in a verbalizer map (name "acceptable" or class index "1") → its name, or undefined. */
export function labelNameOf(key: string, labels: readonly TaskLabel[]): string | undefined {
  return labels.find((l) => l.name === key)?.name ?? labels.find((l) => l.id === key)?.name;
}

export function labelsOf(task: string, custom: Record<string, CustomTaskSpec>): readonly TaskLabel[] | undefined {
  if (isBuiltinTask(task)) return BUILTIN_TASKS[task].labels;
  const spec = own(custom, task);
  return spec ? spec.labels.map((name, i) => ({ id: String(i), name })) : undefined;
}

/** Placeholder names of a custom task: its column list, or the keys of its { field: column } map. */
export function customFieldNames(task: CustomTaskSpec): string[] {
  return Array.isArray(task.fields) ? task.fields : Object.keys(task.fields);
}

function patternOf(task: string, given: Raw | undefined, labels: readonly TaskLabel[] | undefined): PatternSpec | undefined {
  const fallback = isBuiltinTask(task) ? BUILTIN_PROMPTING[task] : undefined;
  const pattern = typeof given?.pattern === 'string' ? given.pattern : fallback?.pattern;
  if (pattern === undefined) return undefined;
  let verbalizers: Record<string, string> = { ...(fallback?.verbalizers ?? {}) };
  if (given?.verbalizers !== undefined) {
    verbalizers = {};
    for (const [key, text] of Object.entries(obj(given.verbalizers))) {
      const name = labels ? labelNameOf(key, labels) : key;
      if (name !== undefined && typeof text === 'string') setOwn(verbalizers, name, text);
    }
  }
  const separator = typeof given?.separator === 'string' ? given.separator : (fallback?.icl.minimal.separator ?? '\n\n');
  return { pattern, verbalizers, separator };
}

/** The format a path's extension implies (as the data layer reads it), if any. */
export function formatFromExtension(path: string): CustomFileFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.tsv')) return 'tsv';
  if (lower.endsWith('.parquet')) return 'parquet';
  return undefined;
}

function customTasksOf(raw: unknown, baseDir: string | undefined): Record<string, CustomTaskSpec> {
  const out: Record<string, CustomTaskSpec> = {};
  for (const [name, value] of Object.entries(obj(raw))) {
    const task = obj(value);
    const format = task.format as CustomFileFormat | undefined;
    const file = (p: unknown) => ({
      path: typeof p === 'string' && baseDir ? resolve(baseDir, p) : String(p ?? ''),
      ...(format ? { format } : {}),
    });
    const fields = Array.isArray(task.fields) ? (strings(task.fields) ?? []) : (obj(task.fields) as Record<string, string>);
    setOwn(out, name, {
      name,
      train: file(task.train),
      evals: [
        { name: `${name}-in-domain`, role: 'in-domain', ...file(task.eval) },
        ...(typeof task.ood === 'string' ? [{ name: `${name}-ood`, role: 'ood' as const, ...file(task.ood) }] : []),
      ],
      fields,
      labelField: typeof task.labelField === 'string' ? task.labelField : 'label',
      labels: Array.isArray(task.labels) ? defined(task.labels).map(String) : [],
      labelValues: task.labelValues === 'indices' ? 'indices' : 'names',
    });
  }
  return out;
}

export interface NormalizeContext {
  filePath?: string;
  baseDir?: string;
}

export function normalize(rawValue: unknown, context: NormalizeContext): ExperimentSpec {
  const raw = obj(rawValue);
  const { baseDir } = context;
  const models = (strings(raw.models) ?? [...DEFAULT_MODELS]).map((m) => toModelRef(m, baseDir));
  const tasks = strings(raw.tasks) ?? [...DEFAULT_TASKS];
  const rawData = obj(raw.data);
  const custom = customTasksOf(rawData.custom, baseDir);
  const rawPatterns = obj(raw.patterns);
  const patterns: Record<string, PatternSpec> = {};
  for (const task of tasks) {
    const given = Object.hasOwn(rawPatterns, task) ? obj(rawPatterns[task]) : undefined;
    const spec = patternOf(task, given, labelsOf(task, custom));
    if (spec) setOwn(patterns, task, spec);
  }
  const n = typeof raw.n === 'number' ? [raw.n] : Array.isArray(raw.n) ? defined(raw.n as (number | undefined)[]) : [...DEFAULT_N];
  const spec: ExperimentSpec = {
    name: typeof raw.name === 'string' ? raw.name : nameFromFile(context.filePath),
    ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
    models,
    tasks,
    methods: methodsOf(raw.methods),
    methodOptions: methodOptionsOf(raw.methods),
    n,
    seeds: seedsOf(raw.seeds),
    training: { ...DEFAULT_TRAINING, ...obj(raw.training) },
    evaluation: { ...DEFAULT_EVALUATION, ...obj(raw.evaluation) },
    patterns,
    data: {
      // Only when written: an absent source is `shipped`, and specs stored before the setting existed stay equal.
      ...((DATA_SOURCES as readonly unknown[]).includes(rawData.source) ? { source: rawData.source as DataSource } : {}),
      cola: { inDomainEval: 'in-domain-dev', ...obj(rawData.cola) },
      mnli: { hans: 'lexical_overlap', ...obj(rawData.mnli) },
      custom,
    },
    ...(typeof raw.provider === 'string' ? { provider: raw.provider as ExperimentSpec['provider'] } : {}),
    ...(raw.threads !== undefined ? { threads: raw.threads as ExperimentSpec['threads'] } : {}),
    ...(baseDir ? { baseDir } : {}),
  };
  // The walker builds prototype-less objects; give the spec plain ones (deep, JSON-safe).
  return JSON.parse(JSON.stringify(spec)) as ExperimentSpec;
}
