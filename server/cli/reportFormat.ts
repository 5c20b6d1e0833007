// `ftlab report` output: method × n tables of mean ± std over seeds per model × task × eval set
// (in-domain first, then OOD), the majority-class rate beside them, failed trials counted and
// listed; or the same cells as JSON or CSV. Pure functions of the run's records.

import { METHOD_IDS, METHOD_LABELS, type MethodId, type RunManifest, type TrialRecord } from '../../protocol/results';
import { aggregateTrials, type CellSummary, type FailureSummary, type Summary } from '../core/train/stats';
import { describeTrial } from './progressView';

export type ReportMetric = 'accuracy' | 'mcc' | 'macroF1';
export const REPORT_METRICS: readonly ReportMetric[] = ['accuracy', 'mcc', 'macroF1'];

export interface ReportInput {
  runDir: string;
  manifest: RunManifest;
  /** One record per trial key (the store's merged view). */
  trials: TrialRecord[];
  /** Store lines that could not be read (skipped). */
  warnings: string[];
}

export interface Report {
  input: ReportInput;
  cells: CellSummary[];
  failures: FailureSummary[];
  counts: { finished: number; failed: number; pending: number };
  /** Seeds per cell in the grid, when the manifest's spec says. */
  seeds?: number;
}

export function buildReport(input: ReportInput): Report {
  const { cells, failures } = aggregateTrials(input.trials);
  const finished = input.trials.filter((t) => t.status === 'finished').length;
  const failed = input.trials.length - finished;
  const seeds = (input.manifest.spec as { seeds?: unknown[] } | undefined)?.seeds?.length;
  return {
    input,
    cells,
    failures,
    counts: { finished, failed, pending: Math.max(0, input.manifest.totalTrials - input.trials.length) },
    ...(seeds ? { seeds } : {}),
  };
}

const fixed = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'NaN');

function cellText(summary: Summary | undefined, finished: number, seeds: number | undefined): string {
  const value = summary ? (summary.std === null ? fixed(summary.mean) : `${fixed(summary.mean)} ± ${fixed(summary.std)}`) : '—';
  return seeds !== undefined && finished < seeds ? `${value} [${finished}/${seeds}]` : value;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('   ').trimEnd()).join('\n');
}

interface Group {
  model: string;
  task: string;
  evalSet: string;
  role: CellSummary['role'];
  cells: CellSummary[];
}

/** Cells grouped per model × task × eval set; in-domain sets before OOD ones. */
function groups(cells: readonly CellSummary[]): Group[] {
  const byKey = new Map<string, Group>();
  for (const cell of cells) {
    const key = JSON.stringify([cell.model, cell.task, cell.evalSet]);
    const group = byKey.get(key) ?? { model: cell.model, task: cell.task, evalSet: cell.evalSet, role: cell.role, cells: [] };
    group.cells.push(cell);
    byKey.set(key, group);
  }
  const order = (g: Group) => JSON.stringify([g.model, g.task, g.role === 'in-domain' ? 0 : 1, g.evalSet]);
  return [...byKey.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

function groupTable(group: Group, failures: readonly FailureSummary[], metric: ReportMetric, seeds: number | undefined): string {
  const mine = failures.filter((f) => f.model === group.model && f.task === group.task);
  const ns = [...new Set([...group.cells.map((c) => c.n), ...mine.map((f) => f.n)])].sort((a, b) => a - b);
  const methods = METHOD_IDS.filter((m) => group.cells.some((c) => c.method === m) || mine.some((f) => f.method === m));
  const header = ['method', ...ns.map((n) => `n=${n}`)];
  const rows = methods.map((method: MethodId) => [
    METHOD_LABELS[method],
    ...ns.map((n) => {
      const cell = group.cells.find((c) => c.method === method && c.n === n);
      const failed = mine.find((f) => f.method === method && f.n === n)?.failed ?? 0;
      const text = cellText(cell?.[metric], cell?.finished ?? 0, seeds);
      return failed > 0 ? `${text} (${failed} failed)` : text;
    }),
  ]);
  // The majority-class rate is a property of the eval set; it is the same in every cell of a column.
  const majority = ns.map((n) => {
    const cell = group.cells.find((c) => c.n === n);
    return cell ? fixed(cell.majority) : '—';
  });
  rows.push([metric === 'accuracy' ? 'Majority class' : 'Majority class (acc.)', ...majority]);
  return table([header, ...rows]);
}

export function formatReportText(report: Report, metric: ReportMetric = 'accuracy'): string {
  const { manifest } = report.input;
  const { finished, failed, pending } = report.counts;
  const lines: string[] = [];
  const name = (manifest.spec as { name?: string } | undefined)?.name;
  lines.push(`Run ${manifest.runId}${name ? ` — ${name}` : ''} (${manifest.experimentPath})`);
  lines.push(
    `${manifest.totalTrials} trials: ${finished} finished, ${failed} failed${pending > 0 ? `, ${pending} not run yet` : ''} · provider ${manifest.provider} · created ${manifest.createdAt}`,
  );
  lines.push(`${metric}: mean ± std over seeds${report.seeds ? `; [k/${report.seeds}] = only k of ${report.seeds} seeds finished` : ''}`);
  for (const group of groups(report.cells)) {
    lines.push('', `${group.model} · ${group.task} · ${group.evalSet} (${group.role === 'ood' ? 'OOD' : 'in-domain'})`);
    lines.push(groupTable(group, report.failures, metric, report.seeds));
  }
  if (report.cells.length === 0) lines.push('', 'No finished trials yet.');
  const failedTrials = report.input.trials.filter((t) => t.status === 'failed');
  if (failedTrials.length > 0) {
    lines.push('', `Failed trials (${failedTrials.length}; \`ftlab run\` on the same file, or a resume, runs them again):`);
    for (const t of failedTrials) {
      const e = t.error;
      lines.push(`  ${describeTrial(t.config)}: ${e?.kind ?? 'error'}${e?.step !== undefined ? ` at step ${e.step}` : ''}: ${e?.message ?? ''}`);
    }
  }
  for (const warning of report.input.warnings) lines.push(`note: ${warning}`);
  return `${lines.join('\n')}\n`;
}

export function reportJson(report: Report, metric: ReportMetric = 'accuracy'): unknown {
  const { manifest, runDir, trials, warnings } = report.input;
  return {
    runId: manifest.runId,
    runDir,
    experimentPath: manifest.experimentPath,
    createdAt: manifest.createdAt,
    provider: manifest.provider,
    totalTrials: manifest.totalTrials,
    counts: report.counts,
    metric,
    cells: report.cells,
    failures: report.failures,
    failedTrials: trials.filter((t) => t.status === 'failed').map((t) => ({ key: t.key, config: t.config, error: t.error })),
    warnings,
  };
}

function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const CSV_COLUMNS = [
  'model', 'task', 'eval_set', 'role', 'method', 'n', 'finished', 'failed',
  'accuracy_mean', 'accuracy_std', 'accuracy_ci95_low', 'accuracy_ci95_high',
  'mcc_mean', 'mcc_std', 'mcc_ci95_low', 'mcc_ci95_high',
  'macro_f1_mean', 'macro_f1_std', 'macro_f1_ci95_low', 'macro_f1_ci95_high',
  'majority',
];

export function formatReportCsv(report: Report): string {
  const stats = (s: Summary) => [s.mean, s.std, s.ci95?.low, s.ci95?.high];
  const rows = report.cells.map((c) =>
    [c.model, c.task, c.evalSet, c.role, c.method, c.n, c.finished, c.failed, ...stats(c.accuracy), ...stats(c.mcc), ...stats(c.macroF1), c.majority]
      .map(csvField)
      .join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\n')}\n`;
}
