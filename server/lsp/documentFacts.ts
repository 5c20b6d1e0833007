// What completion, hover and quick fixes need to know about the file being edited — its tasks,
// models, custom tasks' fields and labels — read leniently from whatever the YAML parser makes of
// it, so half-typed files still give answers. The validator's strict reading stays in core.
import type { Document } from 'yaml';
import {
  BUILTIN_TASK_IDS,
  BUILTIN_TASKS,
  DEFAULT_MODELS,
  DEFAULT_TASKS,
  isBuiltinTask,
  type TaskLabel,
} from '../../protocol/experiment';

export interface DocumentFacts {
  /** Tasks as the file lists them (the default tasks when it lists none). */
  tasks: string[];
  /** Model names as written (the default models when the file names none). */
  models: string[];
  /** Custom tasks under data.custom: their field names and labels. */
  custom: Record<string, { fields: string[]; labels: string[] }>;
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});
const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((s): s is string | number => typeof s === 'string' || typeof s === 'number').map(String) : undefined;

export function documentFacts(doc: Document.Parsed | undefined): DocumentFacts {
  let raw: Raw = {};
  try {
    // maxAliasCount bounds alias expansion: a hostile file costs no more than a plain one.
    raw = obj(doc?.toJS({ maxAliasCount: 100 }));
  } catch {
    raw = {};
  }
  const custom: DocumentFacts['custom'] = {};
  for (const [name, value] of Object.entries(obj(obj(raw.data).custom))) {
    const task = obj(value);
    const fields = strings(task.fields) ?? Object.keys(obj(task.fields));
    Object.defineProperty(custom, name, { value: { fields, labels: strings(task.labels) ?? [] }, enumerable: true });
  }
  return {
    tasks: strings(raw.tasks) ?? [...DEFAULT_TASKS],
    models: strings(raw.models) ?? [...DEFAULT_MODELS],
    custom,
  };
}

/** Placeholder names a task's pattern may use. */
export function fieldsOfTask(task: string, facts: DocumentFacts): readonly string[] | undefined {
  if (isBuiltinTask(task)) return BUILTIN_TASKS[task].fields;
  return Object.hasOwn(facts.custom, task) ? facts.custom[task].fields : undefined;
}

/** A task's labels in class-index order. */
export function labelsOfTask(task: string, facts: DocumentFacts): readonly TaskLabel[] | undefined {
  if (isBuiltinTask(task)) return BUILTIN_TASKS[task].labels;
  if (!Object.hasOwn(facts.custom, task)) return undefined;
  return facts.custom[task].labels.map((name, i) => ({ id: String(i), name }));
}

/** Every task name the file could mean: the built-in ones and its custom ones. */
export function knownTasks(facts: DocumentFacts): string[] {
  return [...BUILTIN_TASK_IDS, ...Object.keys(facts.custom).filter((t) => !isBuiltinTask(t))];
}
