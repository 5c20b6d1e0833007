// View 4: per eval set, a method × n table of mean ± std over seeds with the 95% CI, the best mean
// of each column marked, failed trials counted (their errors on hover and listed below), and the
// CSV / JSON export of the numbers.
import type { TrialRecord } from '../../protocol/results';
import type { CellSummary, EvalSetInfo, MetricName, RunView } from '../aggregate';
import { METRIC_LABELS, trialLabel } from '../aggregate';
import { formatMetric, methodLabel } from '../charts/common';
import { h, setChildren } from '../dom';
import type { RenderContext, View } from './context';

const FAILURE_KINDS: Record<NonNullable<TrialRecord['error']>['kind'], string> = {
  nan: 'non-finite loss',
  oom: 'out of memory',
  crash: 'trainer crashed',
  error: 'error',
};

export function failureText(trial: TrialRecord): string {
  const e = trial.error;
  if (!e) return 'failed (no error recorded)';
  const step = e.step !== undefined ? ` at step ${e.step}` : '';
  return `${FAILURE_KINDS[e.kind]}${step}: ${e.message}`;
}

/** The best mean per n among methods (ties all count as best). */
function bestPerColumn(view: RunView, set: EvalSetInfo, metric: MetricName): Map<number, number> {
  const best = new Map<number, number>();
  for (const n of view.ns) {
    const means = view.methods
      .map((m) => view.cell(m, n, set.name)?.metrics[metric])
      .filter((s) => s !== undefined && s.count > 0)
      .map((s) => s!.mean);
    if (means.length > 0) best.set(n, Math.max(...means));
  }
  return best;
}

function valueCell(cell: CellSummary | undefined, metric: MetricName, best: number | undefined, set: EvalSetInfo): HTMLElement {
  if (!cell) return h('td', { class: 'empty' }, '—');
  const s = cell.metrics[metric];
  const isBest = s.count > 0 && best !== undefined && s.mean === best;
  const failedTitle = cell.failed.map((t) => `${trialLabel(t, methodLabel)}: ${failureText(t)}`).join('\n');
  const td = h(
    'td',
    {
      class: isBest ? 'best' : undefined,
      'data-method': cell.method,
      'data-n': cell.n,
      'data-eval-set': set.name,
      'data-seeds': s.count,
      'data-failed': cell.failed.length,
      'data-mean': Number.isFinite(s.mean) ? s.mean : undefined,
      'data-std': Number.isFinite(s.std) ? s.std : undefined,
      'data-ci-low': Number.isFinite(s.ciLow) ? s.ciLow : undefined,
      'data-ci-high': Number.isFinite(s.ciHigh) ? s.ciHigh : undefined,
    },
    h(
      'div',
      { class: 'mean' },
      s.count > 0 ? formatMetric(s.mean) : '—',
      Number.isFinite(s.std) ? h('span', { class: 'std' }, ` ± ${formatMetric(s.std)}`) : null,
      isBest ? h('span', { class: 'best-mark', title: 'Best mean in this column', 'aria-label': 'best in column' }, ' ★') : null,
    ),
    h(
      'div',
      { class: 'ci' },
      Number.isFinite(s.ciLow) ? `95% CI [${formatMetric(s.ciLow)}, ${formatMetric(s.ciHigh)}]` : `${s.count} seed${s.count === 1 ? '' : 's'}, no CI`,
    ),
    cell.failed.length > 0
      ? h('div', { class: 'failed', title: failedTitle, tabindex: 0 }, `${cell.failed.length} failed`)
      : null,
  );
  return td;
}

function evalSetTable(view: RunView, set: EvalSetInfo, metric: MetricName): HTMLElement {
  const best = bestPerColumn(view, set, metric);
  const head = h('tr', {}, h('th', { scope: 'col' }, 'Method'), ...view.ns.map((n) => h('th', { scope: 'col' }, `n = ${n}`)));
  const rows = view.methods.map((method) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, methodLabel(method)),
      ...view.ns.map((n) => valueCell(view.cell(method, n, set.name), metric, best.get(n), set)),
    ),
  );
  const reference =
    metric === 'accuracy'
      ? h('tr', { class: 'reference' }, h('th', { scope: 'row' }, 'Majority class'), ...view.ns.map(() => h('td', {}, formatMetric(set.majority))))
      : metric === 'mcc'
        ? h('tr', { class: 'reference' }, h('th', { scope: 'row' }, 'Majority class'), ...view.ns.map(() => h('td', {}, formatMetric(0))))
        : null;
  const role = set.role === 'in-domain' ? 'in-domain' : 'out-of-domain';
  return h(
    'table',
    { class: 'results', 'data-eval-set': set.name },
    h('caption', {}, `${METRIC_LABELS[metric]} on ${set.name} (${role}, ${set.count} examples): mean ± std over seeds`),
    h('thead', {}, head),
    h('tbody', {}, ...rows, reference),
  );
}

function failureList(failures: readonly TrialRecord[]): HTMLElement | null {
  if (failures.length === 0) return null;
  return h(
    'section',
    { class: 'failures', 'data-failures': failures.length },
    h('h3', {}, `Failed trials (${failures.length})`),
    h(
      'ul',
      {},
      ...failures.map((t) => h('li', { 'data-trial-key': t.key }, h('strong', {}, trialLabel(t, methodLabel)), `: ${failureText(t)}`)),
    ),
    h('p', { class: 'caption' }, 'Failed trials are left out of the means; resuming the run does not retry them automatically.'),
  );
}

export class TableView implements View {
  readonly element = h('div', { class: 'table-view', 'data-view': 'table' });
  private readonly body = h('div', { class: 'tables' });

  constructor() {
    const button = (format: 'csv' | 'json', label: string) =>
      h('vscode-button', { secondary: true, 'data-export': format, onclick: () => this.exportHandler?.(format) }, label);
    this.element.append(
      h(
        'div',
        { class: 'toolbar' },
        button('csv', 'Export CSV'),
        button('json', 'Export JSON'),
        h('span', { class: 'caption' }, 'Exports every metric of the filtered eval sets at full precision.'),
      ),
      this.body,
    );
  }

  private exportHandler: ((format: 'csv' | 'json') => void) | undefined;

  render(ctx: RenderContext): void {
    this.exportHandler = ctx.exportTable;
    setChildren(
      this.body,
      ...ctx.evalSets.map((set) => evalSetTable(ctx.view, set, ctx.metric)),
      h('p', { class: 'caption' }, '95% CI: mean ± t(0.975, seeds − 1) · std / √seeds (Student t). ★ marks the best mean of each column.'),
      failureList(ctx.view.failures),
    );
  }
}
