// Follows the runs the server trains: a progress notification with the current trial, ETA and a
// Cancel button; the status-bar item; the output channel; and the results panel, which receives
// every progress and finished-trial message as it comes. Notifications can arrive before the
// startRun answer does, so state is kept per run id from the first message on.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import {
  cancelRunRequest,
  runFinishedNotification,
  runProgressNotification,
  trialFinishedNotification,
  type RunFinished,
  type RunProgress,
  type StartRunResult,
} from '../protocol/lsp';
import type { Ctx } from './ctx';
import { ResultsPanel } from './resultsPanel';
import { formatDuration } from './statusBar';

interface TrackedRun {
  progress?: RunProgress;
  finished?: RunFinished;
  /** Resolves the notification's promise when the run ends. */
  settle?: () => void;
  /** Updates the notification's text as progress comes in. */
  report?: (progress: RunProgress) => void;
}

export class RunTracker implements vscode.Disposable {
  private readonly runs = new Map<string, TrackedRun>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: Ctx) {}

  /** Listens to the client's run notifications (they survive server restarts). */
  attach(client: LanguageClient): void {
    this.disposables.push(
      client.onNotification(runProgressNotification, (progress) => this.onProgress(progress)),
      client.onNotification(trialFinishedNotification, (finished) => {
        const { record } = finished;
        this.ctx.output.info(
          `run ${finished.runId}: trial ${record.key} ${record.status}` +
            (record.error ? ` (${record.error.kind}: ${record.error.message})` : ''),
        );
        ResultsPanel.current?.post({ type: 'trialFinished', ...finished });
      }),
      client.onNotification(runFinishedNotification, (finished) => this.onFinished(finished)),
      client.onDidChangeState(({ newState }) => {
        // The trainer lives in the server: if the server went down, so did every run in it.
        if (newState === State.Stopped || newState === State.Starting) this.interruptAll();
      }),
    );
  }

  /** The run shown by the status bar and stopped by "Cancel Run": the latest one still going. */
  activeRunId(): string | undefined {
    let latest: string | undefined;
    for (const [runId, run] of this.runs) if (!run.finished) latest = runId;
    return latest;
  }

  /** Shows a run that the server just started (or resumed) until it ends. */
  track(start: StartRunResult): void {
    const run = this.entry(start.runId);
    this.ctx.panels.rememberRun(start.runId, start.runDir);
    // The panel opens when a run starts (the editor keeps the focus) and switches to the new run;
    // later updates go to it only while it is open, so a user who closed it is not interrupted by
    // it reopening at every step.
    ResultsPanel.createOrShow(this.ctx.extensionContext, { preserveFocus: true });
    this.ctx.panels.showRun(start.runId);
    this.ctx.output.info(`run ${start.runId} started: ${start.totalTrials} trials, store ${start.runDir}`);
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Fine-Tune Lab', cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          if (run.finished) return resolve();
          run.settle = resolve;
          run.report = (p) => progress.report({ message: describeProgress(p) });
          if (run.progress) run.report(run.progress);
          else progress.report({ message: `starting ${start.totalTrials} trials…` });
          token.onCancellationRequested(() => void this.cancel(start.runId));
        }),
    );
  }

  async cancel(runId: string): Promise<void> {
    const client = await this.ctx.client();
    const { cancelled } = await client.sendRequest(cancelRunRequest, { runId });
    this.ctx.output.info(
      cancelled ? `run ${runId}: cancel requested, stopping after the current step` : `run ${runId} was not running`,
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    // Window closing: end the progress notifications quietly; the server's runs stop with it.
    for (const run of this.runs.values()) run.settle?.();
  }

  /** `ftlab.runActive` shows Cancel Run (palette, editor title) only while a run is going. */
  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', 'ftlab.runActive', this.activeRunId() !== undefined);
  }

  private entry(runId: string): TrackedRun {
    let run = this.runs.get(runId);
    if (!run) {
      run = {};
      this.runs.set(runId, run);
      this.updateContext();
    }
    return run;
  }

  private onProgress(progress: RunProgress): void {
    const run = this.entry(progress.runId);
    run.progress = progress;
    run.report?.(progress);
    this.ctx.statusBar.setRunProgress(progress);
    ResultsPanel.current?.post({ type: 'runProgress', ...progress, state: 'running' });
  }

  private onFinished(finished: RunFinished): void {
    const run = this.entry(finished.runId);
    run.finished = finished;
    run.settle?.();
    this.updateContext();
    this.ctx.statusBar.setRunProgress(undefined);
    const { runId, state, finishedTrials, failedTrials, totalTrials, error } = finished;
    this.ctx.panels.refreshRuns();
    ResultsPanel.current?.post({
      type: 'runProgress',
      runId,
      state,
      finishedTrials,
      failedTrials,
      totalTrials,
      error,
    });
    const summary = `${finishedTrials} of ${totalTrials} trials finished` + (failedTrials ? `, ${failedTrials} failed` : '');
    this.ctx.output.info(`run ${runId} ${state}: ${summary}${error ? ` — ${error}` : ''}`);
    if (state === 'finished') void vscode.window.showInformationMessage(`Fine-Tune Lab: run finished, ${summary}.`);
    else if (state === 'cancelled') {
      // The progress notification just vanished: say that the run stopped, and how to go on.
      void vscode.window
        .showInformationMessage(`Fine-Tune Lab: run cancelled, ${summary}.`, 'Resume Run')
        .then((choice) => choice && vscode.commands.executeCommand('ftlab.resumeRun', runId));
    } else if (state === 'failed' || state === 'interrupted') {
      void vscode.window
        .showErrorMessage(`Fine-Tune Lab: run ${state}${error ? `: ${error}` : ''}. ${summary}.`, 'Resume Run')
        .then((choice) => choice && vscode.commands.executeCommand('ftlab.resumeRun', runId));
    }
  }

  private interruptAll(): void {
    for (const [runId, run] of this.runs) {
      if (run.finished) continue;
      const progress = run.progress;
      this.onFinished({
        runId,
        state: 'interrupted',
        finishedTrials: progress?.finishedTrials ?? 0,
        failedTrials: progress?.failedTrials ?? 0,
        totalTrials: progress?.totalTrials ?? 0,
        error: 'the training server stopped',
      });
    }
  }
}

function describeProgress(p: RunProgress): string {
  const done = p.finishedTrials + p.failedTrials;
  const parts = [`trial ${Math.min(done + 1, p.totalTrials)} of ${p.totalTrials}`];
  if (p.current) {
    const { config: c, epoch, epochs } = p.current;
    // epochs is 0 for a method that trains nothing (ICL); epoch is 0 until the first step.
    const stage = epochs === 0 ? '' : epoch === 0 ? ', starting' : `, epoch ${epoch}/${epochs}`;
    parts.push(`${c.method} n=${c.n} ${seedText(c.dataSeed, c.modelSeed)}${stage}`);
  }
  if (p.etaS !== undefined) parts.push(`about ${formatDuration(p.etaS)} left`);
  return parts.join(' · ');
}

/** "seed 2" when the data and the model seed agree (the usual case), else both. */
function seedText(dataSeed: number, modelSeed: number): string {
  return dataSeed === modelSeed ? `seed ${dataSeed}` : `data seed ${dataSeed}, model seed ${modelSeed}`;
}
