// Run, Cancel Run and Resume Run. A run starts only from a saved experiment file that the server
// validated without errors; errors go to the Problems panel instead. The training itself happens
// in the server (protocol/lsp.ts: ftlab/startRun …); this side only asks and follows.
import * as vscode from 'vscode';
import {
  EXPERIMENT_LANGUAGE_ID,
  listRunsRequest,
  resumeRunRequest,
  startRunRequest,
  validateExperimentRequest,
  type RunSummary,
  type StartRunResult,
  type ValidateExperimentResult,
} from '../protocol/lsp';
import { describeError, type Ctx } from './ctx';

/** What the command did; returned to callers such as tests and other extensions. */
export type RunComparisonOutcome =
  | { kind: 'started'; run: StartRunResult }
  | { kind: 'refused'; validation: ValidateExperimentResult }
  | { kind: 'failed'; error: string }
  | { kind: 'dismissed' };

export async function runComparison(ctx: Ctx, target: vscode.Uri | undefined): Promise<RunComparisonOutcome> {
  const uri = target ?? (await pickExperiment());
  if (!uri) return { kind: 'dismissed' };
  try {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    // The server trains from the file on disk: what the user sees must be what gets run.
    if (open?.isDirty && !(await open.save())) return { kind: 'dismissed' };
    const client = await ctx.client();
    const check = await client.sendRequest(validateExperimentRequest, { uri: uri.toString() });
    if (check.errors > 0) {
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      const name = vscode.workspace.asRelativePath(uri);
      void vscode.window.showErrorMessage(
        `Fine-Tune Lab: ${name} has ${check.errors} error${check.errors === 1 ? '' : 's'}; fix ${
          check.errors === 1 ? 'it' : 'them'
        } to run (${check.firstError ?? 'see the Problems panel'}).`,
      );
      return { kind: 'refused', validation: check };
    }
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

/** The active experiment editor, else the workspace's only experiment file, else a choice. */
async function pickExperiment(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === EXPERIMENT_LANGUAGE_ID) return active.uri;
  const files = await vscode.workspace.findFiles('**/*.ftlab.yaml', '**/node_modules/**', 200);
  if (files.length === 1) return files[0];
  if (files.length === 0) {
    const choice = await vscode.window.showInformationMessage(
      'Fine-Tune Lab: there is no experiment file (*.ftlab.yaml) in this workspace.',
      'New Experiment',
    );
    if (choice) await vscode.commands.executeCommand('ftlab.newExperiment');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { title: 'Run which experiment?' },
  );
  return picked?.uri;
}
