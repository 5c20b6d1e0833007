// View 2: in-domain against out-of-domain, one point per method × n (mean over seeds), with the
// y = x line: points below it lose more out of domain than they gain in domain.
import type { ChartConfiguration, ChartDataset, TooltipItem } from 'chart.js';
import type { EvalSetInfo, MetricName, RunView } from '../aggregate';
import { METRIC_LABELS } from '../aggregate';
import type { ChartTheme } from '../theme';
import { baseOptions, formatMetric, lineWidth, METHOD_POINT_STYLES, methodLabel } from './common';

export interface PairPoint {
  x: number;
  y: number;
  n?: number;
}

export function idVsOodConfig(
  view: RunView,
  inDomain: EvalSetInfo,
  ood: EvalSetInfo,
  metric: MetricName,
  theme: ChartTheme,
): ChartConfiguration<'scatter', PairPoint[]> {
  const datasets: ChartDataset<'scatter', PairPoint[]>[] = [];
  const all: number[] = [];
  for (const method of view.methods) {
    const points: PairPoint[] = [];
    for (const n of view.ns) {
      const x = view.cell(method, n, inDomain.name)?.metrics[metric];
      const y = view.cell(method, n, ood.name)?.metrics[metric];
      if (!x || !y || x.count === 0 || y.count === 0) continue;
      points.push({ x: x.mean, y: y.mean, n });
      all.push(x.mean, y.mean);
    }
    if (points.length === 0) continue;
    const color = theme.methodColors[method];
    datasets.push({
      label: methodLabel(method),
      data: points,
      borderColor: color,
      backgroundColor: color,
      pointStyle: METHOD_POINT_STYLES[method],
      // Bigger markers for more training data, so the n of each point reads without hovering.
      pointRadius: points.map((p) => 3 + Math.log2(p.n ?? 2)),
      pointHoverRadius: points.map((p) => 5 + Math.log2(p.n ?? 2)),
      ftlab: { kind: 'points', method },
    });
  }
  if (all.length > 0) {
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    const pad = Math.max((hi - lo) * 0.08, 0.01);
    datasets.push({
      label: 'y = x',
      data: [
        { x: lo - pad, y: lo - pad },
        { x: hi + pad, y: hi + pad },
      ],
      showLine: true,
      borderColor: theme.reference,
      backgroundColor: theme.reference,
      borderDash: [6, 4],
      borderWidth: lineWidth(theme) - 0.5,
      pointRadius: 0,
      pointHitRadius: 0,
      pointStyle: 'line',
      ftlab: { kind: 'identity' },
    });
  }
  const label = METRIC_LABELS[metric];
  const options = baseOptions<'scatter'>(theme, {
    title: `${label}: in-domain (${inDomain.name}) vs out-of-domain (${ood.name})`,
    x: `In-domain ${label}`,
    y: `Out-of-domain ${label}`,
  });
  options.plugins!.tooltip!.filter = (item: TooltipItem<'scatter'>) => item.dataset.ftlab?.kind === 'points';
  options.plugins!.tooltip!.callbacks = {
    label: (item: TooltipItem<'scatter'>) => {
      const p = item.raw as PairPoint;
      return `${item.dataset.label}, n = ${p.n}: in-domain ${formatMetric(p.x)}, OOD ${formatMetric(p.y)}`;
    },
  };
  return { type: 'scatter', data: { datasets }, options };
}
