// Which checker runs for which language. The experiment checker is the parser/validator that the
// CLI and the runner use too (server/core/experiment/), so the Problems panel and a run never
// disagree about a file.
import type { Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { EXPERIMENT_LANGUAGE_ID, PATTERN_LANGUAGE_ID } from '../../protocol/lsp';
import { diagnoseExperimentFile } from './experimentDiagnostics';
import type { FeatureContext } from './featureContext';
import { diagnosePatternFile } from './patternDiagnostics';

type Checker = (document: TextDocument, ctx: FeatureContext) => Diagnostic[] | Promise<Diagnostic[]>;

const CHECKERS: Record<string, Checker> = {
  [EXPERIMENT_LANGUAGE_ID]: diagnoseExperimentFile,
  [PATTERN_LANGUAGE_ID]: diagnosePatternFile,
};

export function isCheckedLanguage(languageId: string): boolean {
  return Object.hasOwn(CHECKERS, languageId);
}

export async function diagnoseDocument(document: TextDocument, ctx: FeatureContext): Promise<Diagnostic[]> {
  return isCheckedLanguage(document.languageId) ? CHECKERS[document.languageId](document, ctx) : [];
}
