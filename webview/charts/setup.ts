// Chart.js, tree-shaken: only the controllers, elements, scales and plugins the views use are
// registered. Also the two things every chart shares: a background fill (so an exported PNG has the
// theme's background, not transparency) and a tag on each dataset naming what it holds.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartType,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  type Plugin,
  PointElement,
  ScatterController,
  Title,
  Tooltip,
} from 'chart.js';
import type { MethodId } from '../../protocol/results';

/** What a dataset holds, so that legends, tooltips (and tests) need not parse labels. */
export interface DatasetTag {
  kind: 'mean' | 'upper' | 'lower' | 'majority' | 'identity' | 'points' | 'front' | 'bars' | 'loss' | 'lossOther';
  method?: MethodId;
  n?: number;
  evalSet?: string;
  trialKey?: string;
}

declare module 'chart.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ChartDatasetProperties<TType extends ChartType, TData> {
    ftlab?: DatasetTag;
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface PluginOptionsByType<TType extends ChartType> {
    ftlabBackground?: { color: string };
  }
}

const backgroundPlugin: Plugin = {
  id: 'ftlabBackground',
  beforeDraw(chart, _args, options: { color?: string }) {
    if (!options.color) return;
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = options.color;
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

let registered = false;

export function registerCharts(): void {
  if (registered) return;
  registered = true;
  Chart.register(
    LineController,
    ScatterController,
    BarController,
    LineElement,
    PointElement,
    BarElement,
    LinearScale,
    LogarithmicScale,
    CategoryScale,
    Filler,
    Legend,
    Tooltip,
    Title,
    backgroundPlugin,
  );
}

export { Chart };
