// Which checker runs for which language. The experiment checker is the parser/validator that the
// CLI and the runner use too (server/core/experiment/), so the Problems panel and a run never
// disagree about a file.
import type { Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { EXPERIMENT_LANGUAGE_ID, PATTERN_LANGUAGE_ID } from '../../protocol/lsp';
import { diagnoseExperimentFile } from './experimentDiagnostics';
import { diagnosePatternFile } from './patternDiagnostics';

const CHECKERS: Record<string, (document: TextDocument) => Diagnostic[]> = {
  [EXPERIMENT_LANGUAGE_ID]: diagnoseExperimentFile,
  [PATTERN_LANGUAGE_ID]: diagnosePatternFile,
};

export function isCheckedLanguage(languageId: string): boolean {
  return Object.hasOwn(CHECKERS, languageId);
}

export function diagnoseDocument(document: TextDocument): Diagnostic[] {
  return isCheckedLanguage(document.languageId) ? CHECKERS[document.languageId](document) : [];
}
