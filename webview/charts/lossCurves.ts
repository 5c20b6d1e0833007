// View 5: the training loss of one trial per epoch, with the other seeds of the same method × n
// drawn faintly behind it for comparison. Epoch losses recorded as null (non-finite) are gaps.
import type { ChartConfiguration, ChartDataset, ChartOptions, TooltipItem } from 'chart.js';
import type { TrialRecord } from '../../protocol/results';
import type { ChartTheme } from '../theme';
import { withAlpha } from '../theme';
import { baseOptions, lineWidth, METHOD_POINT_STYLES, methodLabel, patchScale } from './common';

export interface LossPoint {
  x: number;
  y: number | null;
}

const seedsOf = (t: TrialRecord) => `seeds ${t.config.dataSeed}/${t.config.modelSeed}`;

export function lossPoints(trial: TrialRecord): LossPoint[] {
  return trial.trainLoss.map((loss, epoch) => ({
    x: epoch + 1,
    y: typeof loss === 'number' && Number.isFinite(loss) ? loss : null,
  }));
}

export function lossCurveConfig(
  selected: TrialRecord,
  siblings: readonly TrialRecord[],
  theme: ChartTheme,
): ChartConfiguration<'line', LossPoint[]> {
  const color = theme.methodColors[selected.config.method];
  const datasets: ChartDataset<'line', LossPoint[]>[] = siblings
    .filter((t) => t.key !== selected.key && t.trainLoss.length > 0)
    .map((t) => ({
      label: seedsOf(t),
      data: lossPoints(t),
      borderColor: withAlpha(color, theme.highContrast ? 0.7 : 0.35),
      backgroundColor: withAlpha(color, 0.35),
      borderDash: [4, 3],
      borderWidth: 1,
      pointRadius: 0,
      spanGaps: false,
      ftlab: { kind: 'lossOther' as const, method: t.config.method, trialKey: t.key },
    }));
  datasets.push({
    label: `${methodLabel(selected.config.method)}, n = ${selected.config.n}, ${seedsOf(selected)}`,
    data: lossPoints(selected),
    borderColor: color,
    backgroundColor: color,
    borderWidth: lineWidth(theme),
    pointStyle: METHOD_POINT_STYLES[selected.config.method],
    pointRadius: selected.trainLoss.length > 40 ? 0 : 3,
    spanGaps: false,
    ftlab: { kind: 'loss', method: selected.config.method, trialKey: selected.key },
  });
  const options = baseOptions<'line'>(theme, {
    title: `Training loss: ${methodLabel(selected.config.method)}, n = ${selected.config.n}, ${seedsOf(selected)}`,
    x: 'Epoch',
    y: 'Mean training loss',
  });
  patchScale(options as ChartOptions, 'x', { type: 'linear', min: 1, ticks: { precision: 0 } });
  options.plugins!.tooltip!.callbacks = {
    title: (items: TooltipItem<'line'>[]) => (items[0] ? `Epoch ${(items[0].raw as LossPoint).x}` : ''),
    label: (item: TooltipItem<'line'>) => {
      const y = (item.raw as LossPoint).y;
      return `${item.dataset.label}: ${y === null ? 'not finite' : y.toFixed(4)}`;
    },
  };
  return { type: 'line', data: { datasets }, options };
}
