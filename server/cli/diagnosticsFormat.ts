// Diagnostics as compilers print them — `file:line:col: severity: message` with 1-based line and
// column — so terminals and editors turn them into links.

import { DiagnosticSeverity, type ExperimentDiagnostic } from '../../protocol/experiment';

const SEVERITY: Record<number, string> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
  [DiagnosticSeverity.Hint]: 'hint',
};

export function formatDiagnostic(file: string, d: ExperimentDiagnostic): string {
  const where = `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}`;
  return `${where}: ${SEVERITY[d.severity] ?? 'error'}: ${d.message} [${d.code}]`;
}

export function formatDiagnostics(file: string, diagnostics: readonly ExperimentDiagnostic[]): string {
  return diagnostics.map((d) => `${formatDiagnostic(file, d)}\n`).join('');
}
