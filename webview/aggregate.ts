// From a run's trial records to what the views show: one summary per cell
// (model × task × method × n × eval set) over seeds, costs per method × n, and the failures.
// Pure functions over TrialRecord, shared by every view so that charts, table and exports agree.
import type { EvalRole, MethodId, TrialRecord } from '../protocol/results';
import { METHOD_IDS } from '../protocol/results';
import { summarize, type Summary } from './stats';

export type MetricName = 'accuracy' | 'mcc' | 'macroF1';

export const METRIC_NAMES: readonly MetricName[] = ['accuracy', 'mcc', 'macroF1'];

export const METRIC_LABELS: Record<MetricName, string> = {
  accuracy: 'Accuracy',
  mcc: 'MCC',
  macroF1: 'Macro-F1',
};

export interface EvalSetInfo {
  name: string;
  role: EvalRole;
  /** Majority-class rate of the set (the same in every trial that evaluated it). */
  majority: number;
  count: number;
}

export interface CellSummary {
  method: MethodId;
  n: number;
  evalSet: string;
  metrics: Record<MetricName, Summary>;
  /** Trials of this method × n that failed (they have no metrics for any eval set). */
  failed: TrialRecord[];
}

export interface CostSummary {
  method: MethodId;
  n: number;
  wallTimeS: Summary;
  peakMemoryBytes: Summary;
  /** Trainable parameters: a property of the method and model, so the largest recorded value. */
  trainableParams: number;
}

export interface RunView {
  model: string;
  task: string;
  /** Methods present, in the canonical order of METHOD_IDS. */
  methods: MethodId[];
  ns: number[];
  /** In-domain sets first, then OOD, each alphabetically. */
  evalSets: EvalSetInfo[];
  /** The trials of this model × task, sorted by method, n and seeds. */
  trials: TrialRecord[];
  failures: TrialRecord[];
  cell(method: MethodId, n: number, evalSet: string): CellSummary | undefined;
  cost(method: MethodId, n: number): CostSummary | undefined;
}

const methodOrder = (m: MethodId) => METHOD_IDS.indexOf(m);

export function compareTrials(a: TrialRecord, b: TrialRecord): number {
  const x = a.config;
  const y = b.config;
  return (
    methodOrder(x.method) - methodOrder(y.method) ||
    x.n - y.n ||
    x.dataSeed - y.dataSeed ||
    x.modelSeed - y.modelSeed ||
    a.key.localeCompare(b.key)
  );
}

/** Replaces the record with the same key (a retried trial's newest record wins) or appends it. */
export function upsertTrial(trials: readonly TrialRecord[], record: TrialRecord): TrialRecord[] {
  const index = trials.findIndex((t) => t.key === record.key);
  if (index < 0) return [...trials, record];
  const next = trials.slice();
  next[index] = record;
  return next;
}

const distinctSorted = (values: Iterable<string>) => [...new Set(values)].sort();

export function modelsOf(trials: readonly TrialRecord[]): string[] {
  return distinctSorted(trials.map((t) => t.config.model));
}

export function tasksOf(trials: readonly TrialRecord[], model: string): string[] {
  return distinctSorted(trials.filter((t) => t.config.model === model).map((t) => t.config.task));
}

export function evalSetsOf(trials: readonly TrialRecord[]): EvalSetInfo[] {
  const byName = new Map<string, EvalSetInfo>();
  for (const trial of trials) {
    for (const [name, m] of Object.entries(trial.metrics)) {
      if (!byName.has(name)) byName.set(name, { name, role: m.role, majority: m.majority, count: m.count });
    }
  }
  const roleOrder = (r: EvalRole) => (r === 'in-domain' ? 0 : 1);
  return [...byName.values()].sort((a, b) => roleOrder(a.role) - roleOrder(b.role) || a.name.localeCompare(b.name));
}

const cellKey = (method: string, n: number, evalSet: string) => `${method}\u0000${n}\u0000${evalSet}`;

export function buildRunView(allTrials: readonly TrialRecord[], model: string, task: string): RunView {
  const trials = allTrials.filter((t) => t.config.model === model && t.config.task === task).sort(compareTrials);
  const methods = METHOD_IDS.filter((m) => trials.some((t) => t.config.method === m));
  const ns = [...new Set(trials.map((t) => t.config.n))].sort((a, b) => a - b);
  const evalSets = evalSetsOf(trials);
  const failures = trials.filter((t) => t.status === 'failed');

  const cells = new Map<string, CellSummary>();
  const costs = new Map<string, CostSummary>();
  for (const method of methods) {
    for (const n of ns) {
      const group = trials.filter((t) => t.config.method === method && t.config.n === n);
      if (group.length === 0) continue;
      const finished = group.filter((t) => t.status === 'finished');
      const failed = group.filter((t) => t.status === 'failed');
      for (const set of evalSets) {
        const scored = finished.filter((t) => t.metrics[set.name] !== undefined);
        if (scored.length === 0 && failed.length === 0) continue;
        const pick = (metric: MetricName) => summarize(scored.map((t) => t.metrics[set.name]![metric]));
        cells.set(cellKey(method, n, set.name), {
          method,
          n,
          evalSet: set.name,
          metrics: { accuracy: pick('accuracy'), mcc: pick('mcc'), macroF1: pick('macroF1') },
          failed,
        });
      }
      if (finished.length > 0) {
        costs.set(cellKey(method, n, ''), {
          method,
          n,
          wallTimeS: summarize(finished.map((t) => t.wallTimeS)),
          peakMemoryBytes: summarize(finished.map((t) => t.peakMemoryBytes)),
          trainableParams: Math.max(...finished.map((t) => t.trainableParams)),
        });
      }
    }
  }

  return {
    model,
    task,
    methods,
    ns,
    evalSets,
    trials,
    failures,
    cell: (method, n, evalSet) => cells.get(cellKey(method, n, evalSet)),
    cost: (method, n) => costs.get(cellKey(method, n, '')),
  };
}

/** A short human name for a trial: "LoRA · n=16 · seeds 1/1". */
export function trialLabel(trial: TrialRecord, methodLabel: (m: MethodId) => string): string {
  const c = trial.config;
  return `${methodLabel(c.method)} · n=${c.n} · seeds ${c.dataSeed}/${c.modelSeed}`;
}
