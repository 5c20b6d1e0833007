// View 1: a metric against n (training examples per class), one line per method with its mean over
// seeds and a ±1 std band (the area filled between an upper and a lower dataset), and the
// majority-class rate as a dashed reference line. One chart per eval set (in-domain, OOD).
import type { ChartConfiguration, ChartDataset, ChartOptions, TooltipItem } from 'chart.js';
import type { EvalSetInfo, MetricName, RunView } from '../aggregate';
import { METRIC_LABELS } from '../aggregate';
import type { ChartTheme } from '../theme';
import { withAlpha } from '../theme';
import { baseOptions, formatMetric, lineWidth, METHOD_POINT_STYLES, methodLabel, patchScale } from './common';

export interface StatPoint {
  x: number;
  y: number;
  std?: number;
  count?: number;
}

type LineDataset = ChartDataset<'line', StatPoint[]>;

/** The reference a majority-class predictor reaches on this metric, when it is known from the record. */
export function majorityReference(set: EvalSetInfo, metric: MetricName): { value: number; label: string } | undefined {
  if (metric === 'accuracy') return { value: set.majority, label: `Majority class (${formatMetric(set.majority)})` };
  // A constant predictor has zero Matthews correlation whatever the class balance.
  if (metric === 'mcc') return { value: 0, label: 'Majority class (MCC 0)' };
  // Macro-F1 of a constant predictor depends on the number of classes, which the record lacks.
  return undefined;
}

export function metricByNConfig(
  view: RunView,
  set: EvalSetInfo,
  metric: MetricName,
  theme: ChartTheme,
): ChartConfiguration<'line', StatPoint[]> {
  const datasets: LineDataset[] = [];
  for (const method of view.methods) {
    const color = theme.methodColors[method];
    const points = view.ns.flatMap((n) => {
      const summary = view.cell(method, n, set.name)?.metrics[metric];
      return summary && summary.count > 0 ? [{ n, summary }] : [];
    });
    if (points.length === 0) continue;
    const band = (sign: 1 | -1): StatPoint[] =>
      points.map(({ n, summary }) => ({ x: n, y: summary.mean + sign * (Number.isFinite(summary.std) ? summary.std : 0) }));
    const tag = { method, evalSet: set.name };
    datasets.push({
      label: `${methodLabel(method)} −1 std`,
      data: band(-1),
      borderWidth: 0,
      pointRadius: 0,
      pointHitRadius: 0,
      fill: false,
      ftlab: { kind: 'lower', ...tag },
    });
    datasets.push({
      label: `${methodLabel(method)} +1 std`,
      data: band(1),
      borderWidth: 0,
      pointRadius: 0,
      pointHitRadius: 0,
      // Fill down to the previous dataset: the lower edge of this method's band.
      fill: '-1',
      backgroundColor: withAlpha(color, theme.highContrast ? 0.2 : 0.15),
      ftlab: { kind: 'upper', ...tag },
    });
    datasets.push({
      label: methodLabel(method),
      data: points.map(({ n, summary }) => ({ x: n, y: summary.mean, std: summary.std, count: summary.count })),
      borderColor: color,
      backgroundColor: color,
      borderWidth: lineWidth(theme),
      pointStyle: METHOD_POINT_STYLES[method],
      pointRadius: theme.highContrast ? 5 : 4,
      // In-context learning trains nothing: a dotted line sets it apart from the fine-tuned methods.
      borderDash: method === 'icl' ? [2, 3] : undefined,
      fill: false,
      ftlab: { kind: 'mean', ...tag },
    });
  }

  const reference = majorityReference(set, metric);
  if (reference && view.ns.length > 0) {
    datasets.push({
      label: reference.label,
      data: [
        { x: view.ns[0]!, y: reference.value },
        { x: view.ns[view.ns.length - 1]!, y: reference.value },
      ],
      borderColor: theme.reference,
      backgroundColor: theme.reference,
      borderDash: [6, 4],
      borderWidth: theme.highContrast ? 2 : 1.5,
      pointRadius: 0,
      pointStyle: 'line',
      fill: false,
      ftlab: { kind: 'majority', evalSet: set.name },
    });
  }

  const roleName = set.role === 'in-domain' ? 'In-domain' : 'Out-of-domain';
  const options = baseOptions<'line'>(theme, {
    title: `${roleName}: ${set.name}`,
    x: 'n (training examples per class, log scale)',
    y: METRIC_LABELS[metric],
  });
  const ns = view.ns;
  patchScale(options as ChartOptions, 'x', {
    type: 'logarithmic',
    min: ns.length ? ns[0]! / 1.3 : undefined,
    max: ns.length ? ns[ns.length - 1]! * 1.3 : undefined,
    // Ticks exactly at the sizes of the grid, not at powers of ten.
    afterBuildTicks: (axis: { ticks: { value: number }[] }) => {
      axis.ticks = ns.map((value) => ({ value }));
    },
    ticks: { callback: (value: number | string) => String(value) },
  });
  options.plugins!.tooltip!.callbacks = {
    title: (items: TooltipItem<'line'>[]) => (items[0] ? `n = ${(items[0].raw as StatPoint).x}` : ''),
    label: (item: TooltipItem<'line'>) => {
      const point = item.raw as StatPoint;
      const tag = item.dataset.ftlab;
      if (tag?.kind !== 'mean') return `${item.dataset.label}`;
      const spread = point.std !== undefined && Number.isFinite(point.std) ? ` ± ${formatMetric(point.std)}` : '';
      return `${item.dataset.label}: ${formatMetric(point.y)}${spread} (${point.count} seed${point.count === 1 ? '' : 's'})`;
    },
  };
  options.plugins!.tooltip!.filter = (item: TooltipItem<'line'>) => item.dataset.ftlab?.kind === 'mean';
  return { type: 'line', data: { datasets }, options };
}
