// `ftlab/validateExperiment`: check an experiment file right now, with the same checker as the live
// diagnostics, publish the result, and count errors. The open editor's text wins over the file on
// disk (the client saves before asking, so they agree when a run follows).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, ResponseError, ErrorCodes, type Connection, type TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  EXPERIMENT_LANGUAGE_ID,
  type ValidateExperimentParams,
  type ValidateExperimentResult,
} from '../../protocol/lsp';
import { diagnoseDocument } from './diagnostics';
import type { FeatureContext } from './featureContext';

export async function validateExperiment(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  ctx: FeatureContext,
  { uri }: ValidateExperimentParams,
): Promise<ValidateExperimentResult> {
  const document = documents.get(uri) ?? (await readFromDisk(uri));
  const diagnostics = await diagnoseDocument(document, ctx);
  await connection.sendDiagnostics({ uri, version: document.version, diagnostics });
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
  return {
    errors: errors.length,
    warnings: diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning).length,
    firstError: errors[0] ? `line ${errors[0].range.start.line + 1}: ${errors[0].message}` : undefined,
  };
}

async function readFromDisk(uri: string): Promise<TextDocument> {
  let path: string;
  try {
    path = fileURLToPath(uri);
  } catch {
    throw new ResponseError(ErrorCodes.InvalidParams, `not a file URI: ${uri}`);
  }
  try {
    const text = await readFile(path, 'utf8');
    // Version 0: a file not open in an editor.
    return TextDocument.create(uri, EXPERIMENT_LANGUAGE_ID, 0, text);
  } catch (error) {
    throw new ResponseError(ErrorCodes.InvalidParams, `cannot read ${path}: ${(error as Error).message}`);
  }
}
