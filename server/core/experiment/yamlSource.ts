// Turns experiment-file text into a YAML document with source offsets, or into diagnostics — never
// an exception. Hostile input (huge, binary, deeply nested) is refused before the YAML parser sees
// it, because the parser recurses per nesting level and overflows the stack near depth 1000.

import { isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { DiagnosticSeverity, type ExperimentDiagnostic, type Range } from '../../../protocol/experiment';
import { Code } from './codes';

export interface SourceLimits {
  /** Characters; experiment files are a few KB, and the YAML parser takes ~1.5 s per MB. */
  maxChars: number;
  /** Mapping/list nesting; a real experiment file nests 5 deep. */
  maxDepth: number;
}

export const DEFAULT_SOURCE_LIMITS: SourceLimits = { maxChars: 256 * 1024, maxDepth: 64 };

/**
 * Offsets → LSP positions over one text. Lines end at \n, \r\n or a lone \r, as LSP and the
 * editor count them; an offset inside a line break is placed at the end of its line.
 */
export class SourceText {
  private readonly lineStarts: number[] = [0];
  /** Where each line's text ends (before its line break). */
  private readonly lineEnds: number[] = [];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.lineEnds.push(i);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      this.lineStarts.push(i + 1);
    }
    this.lineEnds.push(text.length);
  }

  position(offset: number): { line: number; character: number } {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: Math.min(at, this.lineEnds[lo]) - this.lineStarts[lo] };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** The first line (without its newline): where whole-file problems are shown. */
  firstLine(): Range {
    return this.range(0, this.lineStarts.length > 1 ? this.lineEnds[0] : Math.min(this.text.length, 200));
  }

  diagnostic(
    severity: DiagnosticSeverity,
    code: string,
    message: string,
    start: number,
    end: number,
    data?: ExperimentDiagnostic['data'],
  ): ExperimentDiagnostic {
    return { severity, code, message, range: this.range(start, end), source: 'ftlab', ...(data ? { data } : {}) };
  }
}

export interface ReadYamlResult {
  source: SourceText;
  doc?: Document.Parsed;
  diagnostics: ExperimentDiagnostic[];
}

export function readYaml(text: string, limits: SourceLimits = DEFAULT_SOURCE_LIMITS): ReadYamlResult {
  const source = new SourceText(text.length > limits.maxChars ? text.slice(0, 4096) : text);
  const fail = (code: string, message: string, start = 0, end = -1): ReadYamlResult => {
    const range = end < 0 ? source.firstLine() : source.range(start, end);
    return { source, diagnostics: [{ severity: DiagnosticSeverity.Error, code, message, range, source: 'ftlab' }] };
  };

  if (text.length > limits.maxChars) {
    const kb = Math.round(text.length / 1024);
    return fail(Code.fileTooLarge, `The file is ${kb} KB; experiment files are limited to ${limits.maxChars / 1024} KB, so it was not parsed.`);
  }
  const binaryAt = findBinary(text);
  if (binaryAt >= 0) {
    return fail(Code.binaryFile, 'The file looks binary (control characters or invalid UTF-8), not YAML text.', binaryAt, binaryAt + 1);
  }
  const deep = findExcessiveNesting(text, limits.maxDepth);
  if (deep >= 0) {
    return fail(Code.tooDeep, `The document nests more than ${limits.maxDepth} levels deep; experiment files need about 5.`, deep, deep + 1);
  }

  let doc: Document.Parsed;
  try {
    // merge: false keeps `<<` an ordinary (unknown) key; strict surfaces YAML 1.2 violations.
    doc = parseDocument(text, { lineCounter: new LineCounter(), prettyErrors: false, uniqueKeys: true, strict: true, merge: false, version: '1.2' });
  } catch (error) {
    return fail(Code.internalError, `The YAML parser failed: ${(error as Error).message}`);
  }

  const diagnostics: ExperimentDiagnostic[] = [];
  for (const error of doc.errors) {
    diagnostics.push(
      source.diagnostic(DiagnosticSeverity.Error, Code.yamlSyntax, cleanMessage(error.message), error.pos[0], error.pos[1], { yamlCode: error.code }),
    );
  }
  for (const warning of doc.warnings) {
    diagnostics.push(
      source.diagnostic(DiagnosticSeverity.Warning, Code.yamlWarning, cleanMessage(warning.message), warning.pos[0], warning.pos[1], {
        yamlCode: warning.code,
      }),
    );
  }
  const contents = doc.contents as unknown;
  const nothing = contents === null || (isScalar(contents) && contents.value === null);
  if (nothing && doc.errors.length === 0) {
    return fail(Code.emptyFile, 'The experiment file is empty: give at least `models`, `tasks` and `methods` (see examples/demo.ftlab.yaml).');
  }
  return { source, doc, diagnostics };
}

function cleanMessage(message: string): string {
  // With prettyErrors off the parser may still append " at line L, column C:" and a code frame.
  return message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').trim();
}

/** Offset of the first sign that the text is not YAML text, or -1. */
function findBinary(text: string): number {
  let replacements = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // YAML allows tab, LF, CR and printable characters; C0 controls and DEL are never text.
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) return i;
    // U+FFFD is what invalid UTF-8 decodes to; a few may be real text, many are not.
    if (c === 0xfffd && ++replacements > 8) return i;
  }
  return -1;
}

/**
 * Offset where nesting first exceeds maxDepth, or -1. Counts indentation levels, leading `- `
 * markers and open flow brackets outside quotes and comments — an upper bound of YAML's nesting.
 */
function findExcessiveNesting(text: string, maxDepth: number): number {
  const indents: number[] = [];
  let flow = 0;
  let offset = 0;
  for (const line of text.split('\n')) {
    const lineStart = offset;
    offset += line.length + 1;
    const trimmed = line.trimStart();
    if (flow === 0) {
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      const indent = line.length - trimmed.length;
      while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
      indents.push(indent);
      const dashes = /^(-[ \t]+)*/.exec(trimmed)?.[0].match(/-/g)?.length ?? 0;
      if (indents.length + dashes > maxDepth) return lineStart;
    }
    let quote = '';
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quote) {
        if (quote === '"' && ch === '\\') i++;
        else if (ch === quote) quote = '';
        continue;
      }
      if (ch === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) break;
      if ((ch === '"' || ch === "'") && (i === 0 || /[\s\[{,:]/.test(line[i - 1]))) quote = ch;
      else if (ch === '[' || ch === '{') {
        flow++;
        if (flow + indents.length > maxDepth) return lineStart + i;
      } else if ((ch === ']' || ch === '}') && flow > 0) flow--;
    }
  }
  return -1;
}
