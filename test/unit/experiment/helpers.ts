// Shared by the experiment tests: locating text in a YAML source as an LSP range, temp folders,
// and picking diagnostics by code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExperimentDiagnostic, Range } from '../../../protocol/experiment';

/** The LSP range of the `occurrence`-th (0-based) appearance of `needle` in `text`. */
export function rangeOf(text: string, needle: string, occurrence = 0): Range {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" occurs fewer than ${occurrence + 1} times`);
  }
  const position = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length - 1;
    return { line, character: offset - (before.lastIndexOf('\n') + 1) };
  };
  return { start: position(at), end: position(at + needle.length) };
}

export function withCode(diagnostics: readonly ExperimentDiagnostic[], code: string): ExperimentDiagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}

/** The only diagnostic with this code; fails the test with the full list otherwise. */
export function only(diagnostics: readonly ExperimentDiagnostic[], code: string): ExperimentDiagnostic {
  const hits = withCode(diagnostics, code);
  if (hits.length !== 1) {
    throw new Error(`expected exactly one ${code}, got ${hits.length}:\n${diagnostics.map((d) => `  ${d.code}: ${d.message}`).join('\n')}`);
  }
  return hits[0];
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `ftlab-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A minimal valid file: every test edits one thing of it. */
export const BASE = `name: t
models: [facebook/opt-125m]
tasks: [cola]
methods: [vanilla, pbft]
n: [2]
seeds: 1
`;
