// Where each value of the file is in the source, and a reporter that turns (path, message) into a
// located diagnostic. Checks that run after the YAML walk (semantics) locate their findings by the
// key path of the value they complain about; a value the file does not set (a default) is reported
// at the nearest enclosing thing the file does say.

import { DiagnosticSeverity, type DiagnosticData, type ExperimentDiagnostic } from '../../../protocol/experiment';
import type { SourceText } from './yamlSource';

export type Path = readonly (string | number)[];

/** Offsets [start, end) of a mapping key and of its value (list items have no key). */
export interface Located {
  key?: readonly [number, number];
  value: readonly [number, number];
}

export class Positions {
  private readonly byPath = new Map<string, Located>();

  set(path: Path, located: Located): void {
    this.byPath.set(JSON.stringify(path), located);
  }

  get(path: Path): Located | undefined {
    return this.byPath.get(JSON.stringify(path));
  }

  /** The location of the path, or of its deepest prefix the file contains. */
  nearest(path: Path): Located | undefined {
    for (let n = path.length; n > 0; n--) {
      const hit = this.get(path.slice(0, n));
      if (hit) return hit;
    }
    return undefined;
  }
}

/** `training.lr`, `n[2]`, `patterns.cola.verbalizers.0`. */
export function formatPath(path: Path): string {
  if (path.length === 0) return 'the file';
  return path.reduce<string>((out, step) => (typeof step === 'number' ? `${out}[${step}]` : out ? `${out}.${step}` : step), '');
}

export class Reporter {
  readonly diagnostics: ExperimentDiagnostic[] = [];

  constructor(
    readonly source: SourceText,
    readonly positions: Positions,
  ) {}

  /** Report at explicit offsets. */
  at(severity: DiagnosticSeverity, code: string, message: string, start: number, end: number, data?: DiagnosticData): void {
    this.diagnostics.push(this.source.diagnostic(severity, code, message, start, end, data));
  }

  /** Report at the value (or, with part 'key', the key) of a path; falls back to the nearest prefix, then the first line. */
  on(severity: DiagnosticSeverity, code: string, message: string, path: Path, part: 'key' | 'value' = 'value', data?: DiagnosticData): void {
    const exact = this.positions.get(path);
    const located = exact ?? this.positions.nearest(path);
    if (!located) {
      const range = this.source.firstLine();
      this.diagnostics.push({ severity, code, message, range, source: 'ftlab', ...(data ? { data } : {}) });
      return;
    }
    // A missing child is shown on its parent's key: that is where the user would add it.
    const offsets = part === 'key' || !exact ? (located.key ?? located.value) : located.value;
    this.at(severity, code, message, offsets[0], offsets[1], data);
  }

  errorAt(code: string, message: string, start: number, end: number, data?: DiagnosticData): void {
    this.at(DiagnosticSeverity.Error, code, message, start, end, data);
  }

  error(code: string, message: string, path: Path, part: 'key' | 'value' = 'value', data?: DiagnosticData): void {
    this.on(DiagnosticSeverity.Error, code, message, path, part, data);
  }

  warning(code: string, message: string, path: Path, part: 'key' | 'value' = 'value', data?: DiagnosticData): void {
    this.on(DiagnosticSeverity.Warning, code, message, path, part, data);
  }

  info(code: string, message: string, path: Path, part: 'key' | 'value' = 'value', data?: DiagnosticData): void {
    this.on(DiagnosticSeverity.Information, code, message, path, part, data);
  }

  hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === DiagnosticSeverity.Error);
  }
}
