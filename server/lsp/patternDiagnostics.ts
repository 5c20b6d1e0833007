// Diagnostics of a standalone pattern file (`*.ftlab-pattern`): the whole file is one pattern, so
// only its syntax can be checked here (which fields exist depends on the task that uses it). A file
// over the pattern size limit gets one problem naming it, its size and the limit, and is not scanned.
import { basename } from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Code } from '../core/experiment/codes';
import { parsePattern } from '../core/data/pattern';
import { oversizedPatternBytes, patternFileTooLargeMessage } from '../core/data/patternSize';
import { filePathOf } from './experimentDiagnostics';

export function diagnosePatternFile(document: TextDocument): Diagnostic[] {
  const text = patternText(document.getText());
  const tooLarge = oversizedPatternBytes(text);
  if (tooLarge !== undefined) return [fileTooLarge(document, text, tooLarge)];
  return parsePattern(text).errors.map((problem) => ({
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

/** One problem on the first line, as for an experiment file over its limit. */
function fileTooLarge(document: TextDocument, text: string, bytes: number): Diagnostic {
  const firstLineEnd = text.indexOf('\n');
  const path = filePathOf(document.uri);
  return {
    range: { start: { line: 0, character: 0 }, end: document.positionAt(firstLineEnd < 0 ? text.length : firstLineEnd) },
    severity: DiagnosticSeverity.Error,
    message: patternFileTooLargeMessage(path ? basename(path) : document.uri, bytes),
    code: Code.fileTooLarge,
    source: 'ftlab',
  };
}
