// Diagnostics of an experiment file: exactly what the shared parser/validator reports (the CLI and
// the runner call the same `parseExperiment`). Its diagnostics are already LSP-shaped (0-based
// lines, UTF-16 characters); `data` carries suggestions for quick fixes.
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseExperiment } from '../core/experiment/parse';

/** The file path behind a `file:` URI; relative paths in the experiment resolve against its folder. */
export function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function diagnoseExperimentFile(document: TextDocument): Diagnostic[] {
  const { diagnostics } = parseExperiment(document.getText(), { filePath: filePathOf(document.uri) });
  return diagnostics.map(({ severity, message, range, code, source, data }) => ({
    severity,
    message,
    range,
    code,
    source,
    ...(data ? { data } : {}),
  }));
}
