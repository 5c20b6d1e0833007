// What every view gets to render: the aggregated run, the active filters and theme, and how to
// reach the host. Views keep their own DOM and chart instances and update them in place.
import type { TrialRecord } from '../../protocol/results';
import type { EvalSetInfo, MetricName, RunView } from '../aggregate';
import type { ChartTheme } from '../theme';

export interface RenderContext {
  runId: string;
  view: RunView;
  /** The eval sets the filter lets through (all of the task's, or the one chosen). */
  evalSets: EvalSetInfo[];
  metric: MetricName;
  theme: ChartTheme;
  lossTrial: string | undefined;
  savePng(chart: string, dataUrl: string): void;
  exportTable(format: 'csv' | 'json'): void;
  selectLossTrial(key: string): void;
}

/** The set of a role the filter lets through, else the task's first set of that role. */
export function setOfRole(ctx: RenderContext, role: EvalSetInfo['role']): EvalSetInfo | undefined {
  return ctx.evalSets.find((s) => s.role === role) ?? ctx.view.evalSets.find((s) => s.role === role);
}

export interface View {
  readonly element: HTMLElement;
  render(ctx: RenderContext): void;
}

export type { TrialRecord };
