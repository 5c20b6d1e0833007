// Options every chart shares: theme colours and fonts, no animation (live updates redraw in place
// and screenshots must be stable), sizing from the container, and a legend that toggles a method's
// mean line and its band together.
import type { ChartOptions, ChartType, LegendItem, PointStyle } from 'chart.js';
import type { MethodId } from '../../protocol/results';
import { METHOD_LABELS } from '../../protocol/results';
import type { ChartTheme } from '../theme';

/** Distinct marker per method, so methods stay apart without colour (and in high contrast). */
export const METHOD_POINT_STYLES: Record<MethodId, PointStyle> = {
  vanilla: 'circle',
  pbft: 'rect',
  adaptive: 'triangle',
  lora: 'rectRot',
  distill: 'star',
  icl: 'crossRot',
};

export const methodLabel = (method: MethodId) => METHOD_LABELS[method];

export interface AxisTitles {
  title: string;
  x: string;
  y: string;
}

export function lineWidth(theme: ChartTheme): number {
  return theme.highContrast ? 3 : 2;
}

export function baseOptions<T extends ChartType>(theme: ChartTheme, titles: AxisTitles): ChartOptions<T> {
  const font = { family: theme.fontFamily, size: theme.fontSize };
  const axis = (text: string) => ({
    title: { display: true, text, color: theme.muted, font },
    grid: { color: theme.grid, lineWidth: 0.5 },
    border: { color: theme.axis, width: theme.highContrast ? 2 : 1 },
    ticks: { color: theme.foreground, font },
  });
  const options = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    color: theme.foreground,
    font,
    interaction: { mode: 'nearest', intersect: false },
    scales: { x: axis(titles.x), y: axis(titles.y) },
    plugins: {
      ftlabBackground: { color: theme.background },
      title: { display: true, text: titles.title, color: theme.foreground, font: { ...font, size: font.size + 1, weight: 'bold' } },
      legend: {
        position: 'bottom',
        labels: {
          color: theme.foreground,
          font,
          usePointStyle: true,
          boxWidth: 9,
          boxHeight: 9,
          filter: (item: LegendItem, data: { datasets: { ftlab?: { kind: string } }[] }) => {
            const kind = data.datasets[item.datasetIndex ?? 0]?.ftlab?.kind;
            return kind !== 'upper' && kind !== 'lower' && kind !== 'lossOther';
          },
        },
        onClick: toggleMethodFromLegend,
      },
      tooltip: {
        backgroundColor: theme.background,
        titleColor: theme.foreground,
        bodyColor: theme.foreground,
        borderColor: theme.highContrast ? theme.foreground : theme.grid,
        borderWidth: 1,
        titleFont: font,
        bodyFont: font,
      },
    },
  };
  return options as unknown as ChartOptions<T>;
}

/** Legend click: hide or show every dataset of the clicked method (its line, band and points). */
function toggleMethodFromLegend(
  this: unknown,
  _event: unknown,
  item: LegendItem,
  legend: {
    chart: {
      data: { datasets: { ftlab?: { method?: string } }[] };
      isDatasetVisible(i: number): boolean;
      setDatasetVisibility(i: number, visible: boolean): void;
      update(): void;
    };
  },
): void {
  const chart = legend.chart;
  const index = item.datasetIndex ?? 0;
  const method = chart.data.datasets[index]?.ftlab?.method;
  const visible = !chart.isDatasetVisible(index);
  chart.data.datasets.forEach((dataset, i) => {
    if (i === index || (method !== undefined && dataset.ftlab?.method === method)) chart.setDatasetVisibility(i, visible);
  });
  chart.update();
}

/** Fixed significant digits for tooltips and the table: metrics as 0.000, costs compact. */
export function formatMetric(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : '—';
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const mib = bytes / 2 ** 20;
  return mib >= 1024 ? `${(mib / 1024).toFixed(2)} GiB` : `${mib.toFixed(0)} MiB`;
}

export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '—';
  // Four significant digits at most, no trailing zeros: 1B, 125.2M, 294.9k.
  const short = (x: number) => String(Number(x.toPrecision(4)));
  if (value >= 1e9) return `${short(value / 1e9)}B`;
  if (value >= 1e6) return `${short(value / 1e6)}M`;
  if (value >= 1e3) return `${short(value / 1e3)}k`;
  return String(value);
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const join = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    small === 0 ? `${big} ${bigUnit}` : `${big} ${bigUnit} ${small} ${smallUnit}`;
  if (seconds < 3600) {
    const whole = Math.round(seconds);
    return join(Math.floor(whole / 60), 'min', whole % 60, 's');
  }
  const minutes = Math.round(seconds / 60);
  return join(Math.floor(minutes / 60), 'h', minutes % 60, 'min');
}

/**
 * Merges settings into an axis of a chart's options. Chart.js types each axis as a union over all
 * scale types, which an object spread cannot narrow; the merge is checked by Chart.js at run time.
 */
export function patchScale(options: ChartOptions, axis: 'x' | 'y', patch: Record<string, unknown>): void {
  const scales = (options.scales ?? {}) as Record<string, Record<string, unknown>>;
  const current = scales[axis] ?? {};
  const ticks = { ...((current.ticks as object | undefined) ?? {}), ...((patch.ticks as object | undefined) ?? {}) };
  scales[axis] = { ...current, ...patch, ticks };
  options.scales = scales as ChartOptions['scales'];
}
