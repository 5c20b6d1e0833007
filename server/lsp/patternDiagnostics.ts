// Diagnostics of a standalone pattern file (`*.ftlab-pattern`): the whole file is one pattern, so
// only its syntax can be checked here (which fields exist depends on the task that uses it).
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Code } from '../core/experiment/codes';
import { parsePattern } from '../core/data/pattern';

export function diagnosePatternFile(document: TextDocument): Diagnostic[] {
  return parsePattern(patternText(document.getText())).errors.map((problem) => ({
    range: { start: document.positionAt(problem.start), end: document.positionAt(problem.end) },
    severity: problem.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    message: problem.message,
    code: Code.badPlaceholder,
    source: 'ftlab',
  }));
}

/** A pattern file's text is the pattern; the newline editors add at the end is not part of it. */
export function patternText(fileText: string): string {
  return fileText.replace(/\r?\n$/, '');
}
