// The first steps every run command shares: which experiment file (the active one, the only one,
// or the user's pick), then "save it and let the server validate it". A run starts only from a
// saved file without errors — the trainer and cluster shards read the file on disk, so what the
// user sees must be what runs; errors go to the Problems panel instead.
import * as vscode from 'vscode';
import { EXPERIMENT_LANGUAGE_ID, validateExperimentRequest, type ValidateExperimentResult } from '../protocol/lsp';
import type { Ctx } from './ctx';

export async function pickExperiment(title: string): Promise<vscode.Uri | undefined> {
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
    { title },
  );
  return picked?.uri;
}

export type CheckedExperiment = { kind: 'ok' } | { kind: 'dismissed' } | { kind: 'refused'; validation: ValidateExperimentResult };

/**
 * Saves the file if it is open with changes, then asks the server to validate it. With errors,
 * the Problems panel opens and the user is told `consequence` (e.g. "fix them to run").
 */
export async function saveAndValidate(ctx: Ctx, uri: vscode.Uri, consequence: string): Promise<CheckedExperiment> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty && !(await open.save())) return { kind: 'dismissed' };
  const client = await ctx.client();
  const check = await client.sendRequest(validateExperimentRequest, { uri: uri.toString() });
  if (check.errors === 0) return { kind: 'ok' };
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  const name = vscode.workspace.asRelativePath(uri);
  void vscode.window.showErrorMessage(
    `Fine-Tune Lab: ${name} has ${check.errors} error${check.errors === 1 ? '' : 's'}; ${consequence} (${check.firstError ?? 'see the Problems panel'}).`,
  );
  return { kind: 'refused', validation: check };
}
