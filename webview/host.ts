// The webview's side of the connection: VS Code's acquireVsCodeApi (or the HTML report's shim that
// stands in for it), typed to our protocol, and the view state VS Code keeps across hide/show and
// window reloads (retainContextWhenHidden is off, so this state is all that survives).
import type { WebviewToHost } from '../protocol/webview';
import type { MetricName } from './aggregate';
import { METRIC_NAMES } from './aggregate';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const ALL_EVAL_SETS = '*';

export interface PanelState {
  runId?: string;
  tab: number;
  model?: string;
  task?: string;
  /** An eval set name, or ALL_EVAL_SETS. */
  evalSet: string;
  metric: MetricName;
  /** Key of the trial shown in the training-loss view. */
  lossTrial?: string;
}

const DEFAULT_STATE: PanelState = { tab: 0, evalSet: ALL_EVAL_SETS, metric: 'accuracy' };

/** Saved state is old data from an earlier version of the panel: keep only what still makes sense. */
function readState(raw: unknown): PanelState {
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULT_STATE };
  const s = raw as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.length < 500 ? v : undefined);
  return {
    runId: text(s.runId),
    tab: Number.isInteger(s.tab) && (s.tab as number) >= 0 && (s.tab as number) < 10 ? (s.tab as number) : 0,
    model: text(s.model),
    task: text(s.task),
    evalSet: text(s.evalSet) ?? ALL_EVAL_SETS,
    metric: METRIC_NAMES.includes(s.metric as MetricName) ? (s.metric as MetricName) : 'accuracy',
    lossTrial: text(s.lossTrial),
  };
}

export class HostConnection {
  private readonly api: VsCodeApi;
  state: PanelState;

  constructor() {
    this.api = acquireVsCodeApi();
    this.state = readState(this.api.getState());
  }

  post(message: WebviewToHost): void {
    this.api.postMessage(message);
  }

  update(change: Partial<PanelState>): void {
    this.state = { ...this.state, ...change };
    this.api.setState(this.state);
  }
}
