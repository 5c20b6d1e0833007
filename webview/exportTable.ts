// The results table as data: one row per eval set × method × n × metric, the same numbers the
// table view shows, at full precision. Rendered as CSV or JSON text for the host to save.
import type { EvalRole, MethodId } from '../protocol/results';
import type { EvalSetInfo, MetricName, RunView } from './aggregate';
import { METRIC_NAMES } from './aggregate';

export interface ExportRow {
  model: string;
  task: string;
  evalSet: string;
  role: EvalRole;
  method: MethodId;
  n: number;
  metric: MetricName;
  /** Seeds that finished and were scored on this eval set. */
  seeds: number;
  failedTrials: number;
  mean: number | null;
  std: number | null;
  ci95Low: number | null;
  ci95High: number | null;
  majority: number;
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

export function exportRows(view: RunView, evalSets: readonly EvalSetInfo[]): ExportRow[] {
  const rows: ExportRow[] = [];
  for (const set of evalSets) {
    for (const method of view.methods) {
      for (const n of view.ns) {
        const cell = view.cell(method, n, set.name);
        if (!cell) continue;
        for (const metric of METRIC_NAMES) {
          const s = cell.metrics[metric];
          rows.push({
            model: view.model,
            task: view.task,
            evalSet: set.name,
            role: set.role,
            method,
            n,
            metric,
            seeds: s.count,
            failedTrials: cell.failed.length,
            mean: finiteOrNull(s.mean),
            std: finiteOrNull(s.std),
            ci95Low: finiteOrNull(s.ciLow),
            ci95High: finiteOrNull(s.ciHigh),
            majority: set.majority,
          });
        }
      }
    }
  }
  return rows;
}

const COLUMNS: (keyof ExportRow)[] = [
  'model',
  'task',
  'evalSet',
  'role',
  'method',
  'n',
  'metric',
  'seeds',
  'failedTrials',
  'mean',
  'std',
  'ci95Low',
  'ci95High',
  'majority',
];

function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  // Text that a spreadsheet would run as a formula is prefixed so it stays text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: readonly ExportRow[]): string {
  const lines = [COLUMNS.join(',')];
  for (const row of rows) lines.push(COLUMNS.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\n')}\n`;
}

export function toJson(runId: string, rows: readonly ExportRow[]): string {
  const document = {
    runId,
    statistics: 'mean and sample std (n − 1) over seeds; 95% CI of the mean from Student t',
    rows,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
