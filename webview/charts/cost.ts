// View 3: what each method costs (wall time, peak memory, trainable parameters) and what that buys:
// a metric against peak memory with the Pareto front (no other point is both leaner and better).
import type { ChartConfiguration, ChartDataset, ChartOptions, TooltipItem } from 'chart.js';
import type { MethodId } from '../../protocol/results';
import type { EvalSetInfo, MetricName, RunView } from '../aggregate';
import { METRIC_LABELS } from '../aggregate';
import type { ChartTheme } from '../theme';
import { withAlpha } from '../theme';
import {
  baseOptions,
  formatBytes,
  formatCount,
  formatMetric,
  formatSeconds,
  lineWidth,
  METHOD_POINT_STYLES,
  methodLabel,
  patchScale,
} from './common';

export type CostKind = 'wallTime' | 'memory' | 'params';

const MIB = 2 ** 20;

/** Bars grouped by method, one bar per n (shade grows with n); parameters do not depend on n. */
/** Method names on two lines where they are long, so the axis needs no rotated labels. */
function axisLabel(method: MethodId): string | string[] {
  const label = methodLabel(method);
  const space = label.lastIndexOf(' ');
  return label.length > 10 && space > 0 ? [label.slice(0, space), label.slice(space + 1)] : label;
}

export function costBarConfig(
  view: RunView,
  kind: CostKind,
  theme: ChartTheme,
): ChartConfiguration<'bar', (number | null)[], string | string[]> {
  const labels = view.methods.map(axisLabel);
  const datasets: ChartDataset<'bar', (number | null)[]>[] = [];
  if (kind === 'params') {
    const params = view.methods.map((m) => Math.max(0, ...view.ns.map((n) => view.cost(m, n)?.trainableParams ?? 0)));
    datasets.push({
      label: 'Trainable parameters',
      // A log axis cannot show zero (in-context learning trains nothing): such bars are left out.
      data: params.map((p) => (p > 0 ? p : null)),
      backgroundColor: view.methods.map((m) => withAlpha(theme.methodColors[m], theme.highContrast ? 1 : 0.75)),
      borderColor: view.methods.map((m) => theme.methodColors[m]),
      borderWidth: 1,
      ftlab: { kind: 'bars' },
    });
  } else {
    view.ns.forEach((n, i) => {
      const opacity = view.ns.length === 1 ? 0.8 : 0.3 + (0.65 * i) / (view.ns.length - 1);
      datasets.push({
        label: `n = ${n}`,
        data: view.methods.map((m) => {
          const cost = view.cost(m, n);
          if (!cost) return null;
          return kind === 'wallTime' ? cost.wallTimeS.mean : cost.peakMemoryBytes.mean / MIB;
        }),
        backgroundColor: withAlpha(theme.methodColors.vanilla, theme.highContrast ? opacity * 0.6 : opacity),
        borderColor: theme.highContrast ? theme.foreground : theme.methodColors.vanilla,
        borderWidth: 1,
        ftlab: { kind: 'bars', n },
      });
    });
  }
  const titles: Record<CostKind, [string, string]> = {
    wallTime: ['Wall time per trial (mean over seeds)', 'seconds'],
    memory: ['Peak memory per trial (mean over seeds)', 'MiB'],
    params: ['Trainable parameters', 'parameters (log scale)'],
  };
  const options = baseOptions<'bar'>(theme, { title: titles[kind][0], x: 'Method', y: titles[kind][1] });
  if (kind === 'params') {
    // Label only the powers of ten: the log axis would otherwise label every minor tick.
    const decade = (v: number) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9;
    const largest = Math.max(1, ...(datasets[0]!.data.filter((v) => v !== null) as number[]));
    patchScale(options as ChartOptions, 'y', {
      type: 'logarithmic',
      max: 10 ** Math.ceil(Math.log10(largest) + 1e-9),
      ticks: { callback: (v: number | string) => (decade(Number(v)) ? formatCount(Number(v)) : '') },
    });
    options.plugins!.legend!.display = false;
  }
  patchScale(options as ChartOptions, 'x', { ticks: { maxRotation: 0, autoSkip: false } });
  options.interaction = { mode: 'index', intersect: false };
  options.plugins!.tooltip!.callbacks = {
    label: (item: TooltipItem<'bar'>) => {
      const v = item.raw as number | null;
      if (v === null) return `${item.dataset.label}: none`;
      const text = kind === 'wallTime' ? formatSeconds(v) : kind === 'memory' ? formatBytes(v * MIB) : formatCount(v);
      return `${item.dataset.label}: ${text}`;
    },
  };
  return { type: 'bar', data: { labels, datasets }, options };
}

export interface CostPoint {
  x: number;
  y: number;
  n: number;
  method: MethodId;
}

/** Indices of the points no other point dominates (x no larger and y no smaller, one strictly). */
export function paretoFront(points: readonly { x: number; y: number }[]): number[] {
  return points
    .map((p, i) => ({ p, i }))
    .filter(({ p, i }) => !points.some((q, j) => j !== i && q.x <= p.x && q.y >= p.y && (q.x < p.x || q.y > p.y)))
    .sort((a, b) => a.p.x - b.p.x || a.p.y - b.p.y)
    .map(({ i }) => i);
}

export function paretoConfig(view: RunView, set: EvalSetInfo, metric: MetricName, theme: ChartTheme): ChartConfiguration<'scatter', CostPoint[]> {
  const points: CostPoint[] = [];
  for (const method of view.methods) {
    for (const n of view.ns) {
      const score = view.cell(method, n, set.name)?.metrics[metric];
      const cost = view.cost(method, n);
      if (!score || !cost || score.count === 0) continue;
      points.push({ x: cost.peakMemoryBytes.mean / MIB, y: score.mean, n, method });
    }
  }
  const front = paretoFront(points).map((i) => points[i]!);
  const datasets: ChartDataset<'scatter', CostPoint[]>[] = view.methods.map((method) => ({
    label: methodLabel(method),
    data: points.filter((p) => p.method === method),
    borderColor: theme.methodColors[method],
    backgroundColor: theme.methodColors[method],
    pointStyle: METHOD_POINT_STYLES[method],
    pointRadius: 5,
    ftlab: { kind: 'points' as const, method },
  }));
  datasets.push({
    label: 'Pareto front',
    data: front,
    showLine: true,
    // Horizontal first: the best score reachable with at most this much memory.
    stepped: 'after',
    borderColor: theme.accent,
    backgroundColor: 'transparent',
    borderWidth: lineWidth(theme),
    pointRadius: 9,
    pointHoverRadius: 10,
    pointBorderWidth: 2,
    pointBorderColor: theme.accent,
    pointStyle: 'circle',
    ftlab: { kind: 'front' },
  });
  const label = METRIC_LABELS[metric];
  const options = baseOptions<'scatter'>(theme, {
    title: `${label} (${set.name}) against peak memory`,
    x: 'Peak memory (MiB)',
    y: label,
  });
  // The front repeats points of the method datasets: describe each point once.
  options.plugins!.tooltip!.filter = (item: TooltipItem<'scatter'>) => item.dataset.ftlab?.kind === 'points';
  options.plugins!.tooltip!.callbacks = {
    label: (item: TooltipItem<'scatter'>) => {
      const p = item.raw as CostPoint;
      const onFront = front.includes(p) ? ' (Pareto front)' : '';
      return `${methodLabel(p.method)}, n = ${p.n}: ${formatMetric(p.y)} at ${formatBytes(p.x * MIB)}${onFront}`;
    },
  };
  return { type: 'scatter', data: { datasets }, options };
}
