// Run, Cancel Run and Resume Run. A run starts only from a saved experiment file that the server
// validated without errors; errors go to the Problems panel instead. The training itself happens
// in the server (protocol/lsp.ts: ftlab/startRun …); this side only asks and follows.
import * as vscode from 'vscode';
import {
  listRunsRequest,
  resumeRunRequest,
  startRunRequest,
  type RunSummary,
  type StartRunResult,
  type ValidateExperimentResult,
} from '../protocol/lsp';
import { describeError, type Ctx } from './ctx';
import { pickExperiment, saveAndValidate } from './experimentTarget';

/** What the command did; returned to callers such as tests and other extensions. */
export type RunComparisonOutcome =
  | { kind: 'started'; run: StartRunResult }
  | { kind: 'refused'; validation: ValidateExperimentResult }
  | { kind: 'failed'; error: string }
  | { kind: 'dismissed' };

export async function runComparison(ctx: Ctx, target: vscode.Uri | undefined): Promise<RunComparisonOutcome> {
  const uri = target ?? (await pickExperiment('Run which experiment?'));
  if (!uri) return { kind: 'dismissed' };
  try {
    const checked = await saveAndValidate(ctx, uri, 'fix them to run');
    if (checked.kind === 'dismissed') return checked;
    if (checked.kind === 'refused') return { kind: 'refused', validation: checked.validation };
    const client = await ctx.client();
    const started = await client.sendRequest(startRunRequest, { experimentUri: uri.toString() });
    ctx.runs.track(started);
    return { kind: 'started', run: started };
  } catch (error) {
    ctx.output.error(`run of ${uri.toString()} did not start: ${describeError(error)}`);
    void vscode.window.showErrorMessage(`Fine-Tune Lab: the run did not start: ${describeError(error)}`);
    return { kind: 'failed', error: describeError(error) };
  }
}

export async function cancelRun(ctx: Ctx): Promise<void> {
  const runId = ctx.runs.activeRunId();
  if (!runId) {
    void vscode.window.showInformationMessage('Fine-Tune Lab: no run is in progress.');
    return;
  }
  try {
    await ctx.runs.cancel(runId);
  } catch (error) {
    void vscode.window.showErrorMessage(`Fine-Tune Lab: could not cancel the run: ${describeError(error)}`);
  }
}

/** Resumes the given run, or one the user picks among the workspace's unfinished runs. */
export async function resumeRun(ctx: Ctx, runId: string | undefined): Promise<void> {
  try {
    const client = await ctx.client();
    const chosen = runId ?? (await pickUnfinishedRun(ctx));
    if (!chosen) return;
    const resumed = await client.sendRequest(resumeRunRequest, { runId: chosen });
    ctx.runs.track(resumed);
  } catch (error) {
    void vscode.window.showErrorMessage(`Fine-Tune Lab: the run did not resume: ${describeError(error)}`);
  }
}

async function pickUnfinishedRun(ctx: Ctx): Promise<string | undefined> {
  const client = await ctx.client();
  const unfinished: RunSummary[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const { runs } = await client.sendRequest(listRunsRequest, { workspaceFolderUri: folder.uri.toString() });
    unfinished.push(...runs.filter((r) => r.state !== 'finished' && r.state !== 'running'));
  }
  if (unfinished.length === 0) {
    void vscode.window.showInformationMessage('Fine-Tune Lab: there is no stopped or interrupted run to resume.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    unfinished.map((r) => ({
      label: r.runId,
      description: `${r.state}: ${r.finishedTrials + r.failedTrials} of ${r.manifest.totalTrials} trials done`,
      detail: r.manifest.experimentPath,
      runId: r.runId,
    })),
    { title: 'Resume a Fine-Tune Lab run' },
  );
  return picked?.runId;
}
