// What sits above the charts: the run's progress while it goes on (bar, counts, ETA, the trial in
// training), store warnings, and which trials failed and why; plus the empty state that tells a
// new user how to start a first run.
import type { VscodeProgressBar } from '@vscode-elements/elements/dist/vscode-progress-bar/vscode-progress-bar.js';
import type { RunState, RunSummary } from '../../protocol/lsp';
import type { TrialRecord } from '../../protocol/results';
import type { RunProgressMessage } from '../../protocol/webview';
import { trialLabel } from '../aggregate';
import { formatSeconds, methodLabel } from '../charts/common';
import { h, setChildren } from '../dom';
import { failureText } from './tableView';

const STATE_TEXT: Record<RunState, string> = {
  running: 'Running',
  finished: 'Finished',
  cancelled: 'Stopped. Continue it with “Fine-Tune Lab: Resume Run”.',
  failed: 'Run failed',
  // Cancelled earlier, or cut off: the trainer crashed, the window reloaded, VS Code closed.
  interrupted: 'Interrupted before it finished. Continue it with “Fine-Tune Lab: Resume Run”.',
};

/**
 * The progress line of a run no progress message was heard for: one listed from the store, e.g.
 * after a window reload, where the store's summary tells whether it finished or was cut off.
 */
export function progressOfSummary(run: RunSummary): RunProgressMessage {
  return {
    type: 'runProgress',
    runId: run.runId,
    state: run.state,
    totalTrials: run.manifest.totalTrials,
    finishedTrials: run.finishedTrials,
    failedTrials: run.failedTrials,
  };
}

/** Trials that have a record (finished or failed); failed ones count as done, they are not retried. */
export function trialsDone(p: RunProgressMessage): number {
  return Math.min(p.totalTrials, p.finishedTrials + p.failedTrials);
}

export function progressLine(p: RunProgressMessage): string {
  const parts = [`${trialsDone(p)} / ${p.totalTrials} trials done`];
  if (p.failedTrials > 0) parts.push(`${p.failedTrials} failed`);
  if (p.state === 'running' && p.etaS !== undefined) parts.push(`about ${formatSeconds(p.etaS)} left`);
  if (p.state === 'running' && p.current) {
    const { config: c, epoch, epochs } = p.current;
    // epochs is 0 while the trial loads and for a method that trains nothing (ICL).
    const stage = epochs === 0 ? '' : epoch === 0 ? ', starting' : `, epoch ${epoch}/${epochs}`;
    parts.push(`now: ${methodLabel(c.method)}, n = ${c.n}, seeds ${c.dataSeed}/${c.modelSeed}${stage}`);
  }
  return parts.join(' · ');
}

export class StatusView {
  readonly element = h('div', { class: 'status' });
  private readonly progress = h('section', { class: 'progress', 'data-progress': '', hidden: true });
  private readonly bar = h('vscode-progress-bar', {}) as VscodeProgressBar;
  private readonly progressText = h('div', { class: 'progress-text' });
  private readonly warnings = h('section', { class: 'notice warning', hidden: true });
  private readonly failures = h('section', { class: 'notice error', 'data-failure-banner': '', hidden: true });

  constructor() {
    this.progress.append(this.progressText, this.bar);
    this.element.append(this.progress, this.warnings, this.failures);
  }

  renderProgress(p: RunProgressMessage | undefined): void {
    this.progress.hidden = !p;
    if (!p) return;
    this.progress.dataset.state = p.state;
    const label = p.state === 'failed' && p.error ? `Run failed: ${p.error}` : STATE_TEXT[p.state];
    setChildren(this.progressText, h('strong', {}, label), ` · ${progressLine(p)}`);
    // Determinate bar while running; hidden once the run has ended.
    this.bar.hidden = p.state !== 'running';
    this.bar.max = Math.max(1, p.totalTrials);
    this.bar.value = trialsDone(p);
  }

  renderWarnings(warnings: readonly string[]): void {
    this.warnings.hidden = warnings.length === 0;
    setChildren(this.warnings, h('strong', {}, 'Store warnings'), h('ul', {}, ...warnings.map((w) => h('li', {}, w))));
  }

  /** Which trials failed and why; the full list is in the Table view. */
  renderFailures(failures: readonly TrialRecord[]): void {
    this.failures.hidden = failures.length === 0;
    if (failures.length === 0) return;
    const shown = failures.slice(0, 5);
    setChildren(
      this.failures,
      h('strong', {}, failures.length === 1 ? '1 trial failed and is left out of the results:' : `${failures.length} trials failed and are left out of the results:`),
      h('ul', {}, ...shown.map((t) => h('li', {}, `${trialLabel(t, methodLabel)}: ${failureText(t)}`))),
      failures.length > shown.length ? h('p', {}, `…and ${failures.length - shown.length} more; the Table view lists them all.`) : null,
    );
  }
}

export function emptyState(onRefresh: () => void): HTMLElement {
  return h(
    'section',
    { class: 'empty-state', 'data-empty-state': '' },
    h('h2', {}, 'No runs yet'),
    h('p', {}, 'A run compares fine-tuning methods on your data and appears here while it trains. Start one:'),
    h(
      'ul',
      {},
      h(
        'li',
        {},
        'In VS Code: open an experiment file (*.ftlab.yaml) and run ',
        h('strong', {}, 'Fine-Tune Lab: Run Fine-Tune Comparison'),
        ' from the Command Palette.',
      ),
      h(
        'li',
        {},
        'In a terminal: ',
        h('code', {}, 'npx ftlab run examples/demo.ftlab.yaml'),
        ' (the built-in demo experiment: a small model, CoLA, all six methods).',
      ),
    ),
    h('vscode-button', { onclick: onRefresh, 'data-refresh': '' }, 'Look for runs again'),
  );
}
