// Grid expansion: an experiment spec → its trials, each with a stable key. The key names the
// cell (model|task|method|n|dataSeed|modelSeed) and ends in a short hash of every setting that
// changes that trial's result, so editing a setting never reuses results computed under the old one,
// while settings that cannot change the result (micro-batching, memory budget, provider, threads,
// eval batch size) keep the key. Keys hold no absolute paths, so shards on other machines agree.

import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import type { MethodId, TrialConfig } from '../../../protocol/results';
import { isBuiltinTask, methodUsesPattern, type ExperimentSpec, type PatternSpec } from '../../../protocol/experiment';
import type { IclFormat } from '../data/iclFormat';
import { BUILTIN_PROMPTING, own } from './normalize';

export interface Trial {
  key: string;
  config: TrialConfig;
}

/** Bumped when the meaning of a key's inputs changes, so old stores are not resumed by mistake. */
const KEY_VERSION = 'ftlab-trial-v1';

/** Every trial of the grid, in the order models × tasks × methods × n × seeds as the file lists them. */
export function expandGrid(spec: ExperimentSpec): Trial[] {
  const trials: Trial[] = [];
  for (const model of spec.models) {
    for (const task of spec.tasks) {
      for (const method of spec.methods) {
        for (const n of spec.n) {
          for (const { dataSeed, modelSeed } of spec.seeds) {
            const config: TrialConfig = { model: model.name, task, method, n, dataSeed, modelSeed };
            trials.push({ key: trialKey(spec, config), config });
          }
        }
      }
    }
  }
  return trials;
}

/** `|` and `%` are escaped so that a key always splits back into its six coordinates and the hash. */
const escapeKeyPart = (s: string) => s.replace(/%/g, '%25').replace(/\|/g, '%7C');

export function trialKey(spec: ExperimentSpec, config: TrialConfig): string {
  const cell = [escapeKeyPart(config.model), escapeKeyPart(config.task), config.method, config.n, config.dataSeed, config.modelSeed];
  return `${cell.join('|')}|${settingsHash(spec, config.task, config.method)}`;
}

/**
 * The ICL prompt format of a task: one of the study's formats (the data layer's definitions), or,
 * with `format: pattern`, the task's own pattern with no target prefix.
 */
export function iclFormatFor(spec: ExperimentSpec, task: string): IclFormat | undefined {
  const format = spec.methodOptions.icl.format;
  if (format !== 'pattern') return isBuiltinTask(task) ? BUILTIN_PROMPTING[task].icl[format] : undefined;
  const mine = own(spec.patterns, task);
  return mine && { pattern: mine.pattern, targetPrefix: '', verbalizers: mine.verbalizers, separator: mine.separator };
}

/** What a method reads of the task's prompting (the pattern, or ICL's format), or null. */
function promptingFor(spec: ExperimentSpec, task: string, method: MethodId): PatternSpec | IclFormat | null {
  if (!methodUsesPattern(method, spec.methodOptions)) return null;
  return (method === 'icl' ? iclFormatFor(spec, task) : own(spec.patterns, task)) ?? null;
}

/** 8 hex digits of SHA-256 over the settings that can change one (task, method) trial's result. */
export function settingsHash(spec: ExperimentSpec, task: string, method: MethodId): string {
  const { microBatchSize: _micro, memoryBudgetMB: _budget, ...training } = spec.training;
  const inputs = {
    version: KEY_VERSION,
    method: spec.methodOptions[method],
    training: method === 'icl' ? null : training,
    evaluation: { maxExamples: spec.evaluation.maxExamples },
    prompting: promptingFor(spec, task, method),
    data: taskData(spec, task),
  };
  return createHash('sha256').update(canonicalJson(inputs)).digest('hex').slice(0, 8);
}

function taskData(spec: ExperimentSpec, task: string): unknown {
  // The Hub's train pools are not the shipped ones; `shipped` adds nothing, so older keys still hold.
  const source = spec.data.source === 'hub' ? { source: 'hub' } : {};
  if (task === 'cola') return { ...spec.data.cola, ...source };
  if (task === 'mnli' || task === 'mnli-3way') return { ...spec.data.mnli, ...source };
  const custom = own(spec.data.custom, task);
  if (!custom) return null;
  // Paths relative to the experiment file: the same on every machine that has the same checkout.
  const portable = <F extends { path: string }>(file: F): F =>
    spec.baseDir ? { ...file, path: relative(spec.baseDir, file.path).split('\\').join('/') } : file;
  return { ...custom, train: portable(custom.train), evals: custom.evals.map(portable) };
}

/** JSON with object keys sorted at every level: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
