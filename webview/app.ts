// The results panel: holds what the host has sent (server info, runs, the open run's trials and
// progress), the user's filters, and renders the header, status and the five views from them.
// Every incoming message goes through the protocol's validator first; a malformed one is logged
// and dropped, and the panel keeps what it had.
import type { RunSummary, ServerInfo } from '../protocol/lsp';
import type { TrialRecord } from '../protocol/results';
import { createMessageDispatcher, type HostToWebview, parseHostToWebview, type RunProgressMessage } from '../protocol/webview';
import { buildRunView, METRIC_LABELS, METRIC_NAMES, type MetricName, modelsOf, tasksOf, upsertTrial } from './aggregate';
import { h, setChildren } from './dom';
import { exportRows, toCsv, toJson } from './exportTable';
import { ALL_EVAL_SETS, type HostConnection, type PanelState } from './host';
import { readTheme, watchTheme } from './theme';
import { AboutView } from './views/aboutView';
import type { RenderContext, View } from './views/context';
import { CostView } from './views/costView';
import { LossView } from './views/lossView';
import { MetricView } from './views/metricView';
import { ScatterView } from './views/scatterView';
import { SelectControl } from './views/select';
import { emptyState, progressOfSummary, StatusView } from './views/statusView';
import { TableView } from './views/tableView';

interface RunData {
  summary: RunSummary;
  trials: TrialRecord[];
  warnings: string[];
}

const TABS: [string, string][] = [
  ['metric', 'Metric vs n'],
  ['scatter', 'In-domain vs OOD'],
  ['cost', 'Cost'],
  ['table', 'Table'],
  ['loss', 'Training loss'],
];

/** `state`: what this panel heard live, which can say more than the store (cancelled, not just interrupted). */
function runOptionLabel(run: RunSummary, state: RunSummary['state'] = run.state): string {
  const failed = run.failedTrials > 0 ? `, ${run.failedTrials} failed` : '';
  const done = Math.min(run.manifest.totalTrials, run.finishedTrials + run.failedTrials);
  return `${run.runId} (${done}/${run.manifest.totalTrials} trials${failed}, ${state})`;
}

export class App {
  private runs: RunSummary[] | undefined;
  private data: RunData | undefined;
  private serverInfo: ServerInfo | undefined;
  private readonly progress = new Map<string, RunProgressMessage>();
  /** The run asked for with `openRun` and not yet answered (asked once, not on every render). */
  private requestedRun: string | undefined;
  private theme = readTheme();

  private readonly runSelect = new SelectControl('Run', 'filter-run', (runId) => this.openRun(runId));
  private readonly modelSelect = new SelectControl('Model', 'filter-model', (model) => this.setFilter({ model }));
  private readonly taskSelect = new SelectControl('Task', 'filter-task', (task) => this.setFilter({ task }));
  private readonly evalSelect = new SelectControl('Eval set', 'filter-eval-set', (evalSet) => this.setFilter({ evalSet }));
  private readonly metricSelect = new SelectControl('Metric', 'filter-metric', (metric) => this.setFilter({ metric: metric as MetricName }));
  private readonly filters = h('div', { class: 'filters' });
  private readonly placeholder = h('div', { class: 'placeholder' });
  private readonly status = new StatusView();
  private readonly about = new AboutView();
  private readonly views: View[] = [new MetricView(), new ScatterView(), new CostView(), new TableView(), new LossView()];
  private readonly tabs: HTMLElement;
  private readonly refreshButton: HTMLElement;

  /** Validates and handles one message from the host. */
  readonly receive: (raw: unknown) => string | undefined;

  constructor(root: HTMLElement, private readonly host: HostConnection) {
    this.filters.append(this.modelSelect.element, this.taskSelect.element, this.evalSelect.element, this.metricSelect.element);
    const refresh = h(
      'vscode-button',
      { secondary: true, title: 'Reload the list of runs', onclick: () => this.host.post({ type: 'requestRuns' }) },
      'Refresh',
    );
    this.refreshButton = refresh;
    this.tabs = h(
      'vscode-tabs',
      { 'selected-index': host.state.tab },
      ...TABS.flatMap(([id, label]) => [
        h('vscode-tab-header', { slot: 'header', 'data-tab': id }, label),
        h('vscode-tab-panel', { 'data-panel': id }),
      ]),
    );
    this.views.forEach((view, i) => this.tabs.querySelectorAll('vscode-tab-panel')[i]!.appendChild(view.element));
    this.tabs.addEventListener('vsc-tabs-select', (event) => {
      this.host.update({ tab: (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex });
    });
    root.append(
      h('header', { class: 'header' }, h('h1', {}, 'Fine-Tune Lab results'), this.runSelect.element, refresh),
      this.filters,
      this.status.element,
      this.placeholder,
      this.tabs,
      this.about.element,
    );

    const handlers = {
      serverInfo: (m: Extract<HostToWebview, { type: 'serverInfo' }>) => {
        this.serverInfo = m.info;
        this.renderAbout();
      },
      runs: (m: Extract<HostToWebview, { type: 'runs' }>) => {
        this.runs = m.runs;
        // The list is newer than the summary the shown run came with (it may have ended since).
        const fresh = this.data && m.runs.find((r) => r.runId === this.data!.summary.runId);
        if (this.data && fresh) this.data.summary = fresh;
        if (!this.data) this.openPreferredRun();
        this.render();
      },
      runData: (m: Extract<HostToWebview, { type: 'runData' }>) => {
        this.data = { summary: m.summary, trials: m.trials, warnings: m.warnings };
        this.requestedRun = undefined;
        if (host.state.runId !== m.summary.runId) this.host.update({ runId: m.summary.runId, lossTrial: undefined });
        this.render();
      },
      trialFinished: (m: Extract<HostToWebview, { type: 'trialFinished' }>) => {
        if (this.data?.summary.runId !== m.runId) return;
        this.data.trials = upsertTrial(this.data.trials, m.record);
        this.render();
      },
      runProgress: (m: RunProgressMessage) => {
        this.progress.set(m.runId, m);
        const patch = { state: m.state, finishedTrials: m.finishedTrials, failedTrials: m.failedTrials };
        if (this.data?.summary.runId === m.runId) this.data.summary = { ...this.data.summary, ...patch };
        this.runs = this.runs?.map((r) => (r.runId === m.runId ? { ...r, ...patch } : r));
        this.render();
      },
    };
    this.receive = createMessageDispatcher(parseHostToWebview, handlers, (error) =>
      console.warn(`[ftlab] ignored a message from the host: ${error}`),
    );
    watchTheme(() => {
      this.theme = readTheme();
      this.render();
    });
    this.render();
  }

  /** Stable (charts keep it from their first render): always names the run shown now. */
  private readonly savePng = (chart: string, dataUrl: string): void => {
    if (this.data) this.host.post({ type: 'savePng', runId: this.data.summary.runId, chart, dataUrl });
  };

  private openRun(runId: string): void {
    if (!runId || runId === this.data?.summary.runId || runId === this.requestedRun) return;
    this.requestedRun = runId;
    this.host.post({ type: 'openRun', runId });
  }

  /** The run the panel showed before a reload, else the newest. */
  private openPreferredRun(): void {
    const runs = this.runs ?? [];
    if (runs.length === 0) return;
    const saved = runs.find((r) => r.runId === this.host.state.runId);
    const newest = [...runs].sort((a, b) => b.manifest.createdAt.localeCompare(a.manifest.createdAt))[0]!;
    this.openRun((saved ?? newest).runId);
  }

  private setFilter(change: Partial<PanelState>): void {
    this.host.update(change);
    this.render();
  }

  private renderAbout(): void {
    this.about.render(this.serverInfo, this.data?.summary);
  }

  private render(): void {
    const runs = [...(this.runs ?? [])];
    if (this.data && !runs.some((r) => r.runId === this.data!.summary.runId)) runs.unshift(this.data.summary);
    this.runSelect.set(runs.map((r) => ({ value: r.runId, label: runOptionLabel(r, this.progress.get(r.runId)?.state) })), this.data?.summary.runId ?? this.requestedRun ?? '');
    this.renderAbout();
    // With no run at all, the empty state carries its own button.
    this.refreshButton.hidden = runs.length === 0;
    const data = this.data;
    // Live progress while this panel heard it; otherwise what the store says (e.g. after a reload).
    this.status.renderProgress(data ? (this.progress.get(data.summary.runId) ?? progressOfSummary(data.summary)) : undefined);
    this.status.renderWarnings(data?.warnings ?? []);
    this.status.renderFailures(data?.trials.filter((t) => t.status === 'failed') ?? []);

    const ready = data !== undefined && data.trials.length > 0;
    this.tabs.hidden = !ready;
    this.filters.hidden = !ready;
    this.placeholder.hidden = ready;
    if (!data) {
      if (this.runs === undefined) setChildren(this.placeholder, h('p', {}, 'Waiting for Fine-Tune Lab to list the runs…'));
      else if (this.runs.length === 0) setChildren(this.placeholder, emptyState(() => this.host.post({ type: 'requestRuns' })));
      else setChildren(this.placeholder, h('p', {}, `Opening run ${this.requestedRun ?? ''}…`));
      return;
    }
    if (!ready) {
      const text = `Run ${data.summary.runId} has no finished trial yet. Results appear here as trials finish.`;
      setChildren(this.placeholder, h('p', { 'data-no-trials': '' }, text));
      return;
    }
    this.renderRun(data);
  }

  private renderRun(data: RunData): void {
    const state = this.host.state;
    const models = modelsOf(data.trials);
    const model = models.includes(state.model ?? '') ? state.model! : models[0]!;
    const tasks = tasksOf(data.trials, model);
    const task = tasks.includes(state.task ?? '') ? state.task! : tasks[0]!;
    const view = buildRunView(data.trials, model, task);
    const evalSet = view.evalSets.some((s) => s.name === state.evalSet) ? state.evalSet : ALL_EVAL_SETS;

    this.modelSelect.set(models.map((m) => ({ value: m, label: m })), model);
    this.taskSelect.set(tasks.map((t) => ({ value: t, label: t })), task);
    this.evalSelect.set(
      [{ value: ALL_EVAL_SETS, label: 'All eval sets' }, ...view.evalSets.map((s) => ({ value: s.name, label: `${s.name} (${s.role})` }))],
      evalSet,
    );
    this.metricSelect.set(METRIC_NAMES.map((m) => ({ value: m, label: METRIC_LABELS[m] })), state.metric);

    const evalSets = evalSet === ALL_EVAL_SETS ? view.evalSets : view.evalSets.filter((s) => s.name === evalSet);
    const ctx: RenderContext = {
      runId: data.summary.runId,
      view,
      evalSets,
      metric: state.metric,
      theme: this.theme,
      lossTrial: state.lossTrial,
      savePng: this.savePng,
      exportTable: (format) => {
        const rows = exportRows(view, evalSets);
        const content = format === 'csv' ? toCsv(rows) : toJson(data.summary.runId, rows);
        this.host.post({ type: 'exportData', format, runId: data.summary.runId, content });
      },
      selectLossTrial: (key) => this.setFilter({ lossTrial: key }),
    };
    for (const v of this.views) v.render(ctx);
  }
}
