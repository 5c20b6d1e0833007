// One status-bar item: the server's state when idle ("Fine-Tune Lab" with a check or a warning),
// and the run's progress while a run trains. Clicking it shows the server info, or the results
// panel during a run.
import * as vscode from 'vscode';
import type { RunProgress } from '../protocol/lsp';

export type ServerState = 'starting' | 'running' | 'stopped';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ftlab.status', vscode.StatusBarAlignment.Left, 0);
  private server: ServerState = 'starting';
  private run: RunProgress | undefined;

  constructor() {
    this.item.name = 'Fine-Tune Lab';
    this.render();
    this.item.show();
  }

  setServerState(state: ServerState): void {
    this.server = state;
    this.render();
  }

  setRunProgress(progress: RunProgress | undefined): void {
    this.run = progress;
    this.render();
  }

  dispose(): void {
    this.item.dispose();
  }

  private render(): void {
    if (this.run) {
      const { finishedTrials, failedTrials, totalTrials } = this.run;
      const done = finishedTrials + failedTrials;
      this.item.text = `$(sync~spin) Fine-Tune Lab ${done}/${totalTrials}`;
      this.item.tooltip = `Run ${this.run.runId}: ${done} of ${totalTrials} trials done` +
        (failedTrials ? `, ${failedTrials} failed` : '') +
        (this.run.etaS !== undefined ? `, about ${formatDuration(this.run.etaS)} left` : '');
      this.item.command = 'ftlab.openResults';
      this.item.backgroundColor = undefined;
      return;
    }
    const icon = { starting: '$(loading~spin)', running: '$(beaker)', stopped: '$(warning)' }[this.server];
    this.item.text = `${icon} Fine-Tune Lab`;
    this.item.tooltip = {
      starting: 'Fine-Tune Lab: the training server is starting',
      running: 'Fine-Tune Lab: the training server is running (click for details)',
      stopped: 'Fine-Tune Lab: the training server is not running (see the "Fine-Tune Lab" output)',
    }[this.server];
    this.item.command = 'ftlab.showServerInfo';
    this.item.backgroundColor =
      this.server === 'stopped' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
