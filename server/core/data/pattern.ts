// Prompt patterns: text with {field} placeholders, e.g. "{premise} question: {hypothesis} Yes or No?".
//
// Syntax (Python str.format's brace rules, without format specs):
//   {name}   the example's field `name`; names are letters, digits, "_" and "-", not starting with a digit
//   {{  }}   a literal "{" / "}"
// A lone "}" or an unclosed "{" is an error. Offsets are UTF-16 code-unit indices into the pattern
// string — the unit LSP positions use — so the language server can underline exactly the placeholder.
// A pattern over MAX_PATTERN_BYTES (1 MiB) is one error and is not scanned (patternSize.ts).

import { formatPatternSize, oversizedPatternBytes, PATTERN_LIMIT_TEXT } from './patternSize';

export interface Placeholder {
  name: string;
  /** Offset of the "{". */
  start: number;
  /** Offset just past the "}". */
  end: number;
}

export type PatternSegment = { kind: 'text'; text: string } | { kind: 'field'; name: string };

export interface PatternProblem {
  message: string;
  severity: 'error' | 'warning';
  start: number;
  end: number;
}

export interface ParsedPattern {
  source: string;
  segments: PatternSegment[];
  placeholders: Placeholder[];
  /** Syntax errors; a pattern with any cannot be rendered. */
  errors: PatternProblem[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function parsePattern(source: string): ParsedPattern {
  const tooLarge = oversizedPatternBytes(source);
  if (tooLarge !== undefined) {
    // Not scanned at all: the size alone says what is wrong (see patternSize.ts).
    const message = `the pattern is ${formatPatternSize(tooLarge)}; patterns are limited to ${PATTERN_LIMIT_TEXT}`;
    return { source, segments: [], placeholders: [], errors: [{ message, severity: 'error', start: 0, end: 0 }] };
  }
  const segments: PatternSegment[] = [];
  const placeholders: Placeholder[] = [];
  const errors: PatternProblem[] = [];
  let text = '';
  const flushText = (): void => {
    if (text !== '') segments.push({ kind: 'text', text });
    text = '';
  };

  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '{' && source[i + 1] === '{') {
      text += '{';
      i += 2;
    } else if (ch === '}' && source[i + 1] === '}') {
      text += '}';
      i += 2;
    } else if (ch === '}') {
      errors.push({ message: 'single "}" — write "}}" for a literal brace', severity: 'error', start: i, end: i + 1 });
      i++;
    } else if (ch === '{') {
      const close = source.indexOf('}', i + 1);
      const nextOpen = source.indexOf('{', i + 1);
      if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
        errors.push({ message: 'unclosed "{" — close the placeholder or write "{{" for a literal brace', severity: 'error', start: i, end: i + 1 });
        i++;
        continue;
      }
      const name = source.slice(i + 1, close);
      if (!NAME.test(name)) {
        const why = name === '' ? 'empty placeholder "{}"' : `invalid placeholder name "${name}" (letters, digits, "_" and "-"; no spaces)`;
        errors.push({ message: why, severity: 'error', start: i, end: close + 1 });
      } else {
        flushText();
        segments.push({ kind: 'field', name });
        placeholders.push({ name, start: i, end: close + 1 });
      }
      i = close + 1;
    } else {
      text += ch;
      i++;
    }
  }
  flushText();
  return { source, segments, placeholders, errors };
}

/** Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** The field name closest to `name`, when close enough to be a plausible typo. */
export function suggestField(name: string, fieldNames: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of fieldNames) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/**
 * Everything wrong with a pattern for a dataset with the given fields: syntax errors, placeholders
 * that are not fields (errors), and, as warnings, a pattern without any placeholder (every input
 * would look the same) or a field the pattern never uses.
 */
export function checkPattern(source: string, fieldNames: readonly string[]): PatternProblem[] {
  const parsed = parsePattern(source);
  const problems = [...parsed.errors];
  for (const p of parsed.placeholders) {
    if (!fieldNames.includes(p.name)) {
      const suggestion = suggestField(p.name, fieldNames);
      const hint = suggestion ? ` — did you mean {${suggestion}}?` : ` — fields: ${fieldNames.map((f) => `{${f}}`).join(', ')}`;
      problems.push({ message: `unknown placeholder {${p.name}}${hint}`, severity: 'error', start: p.start, end: p.end });
    }
  }
  // Usage warnings only for a pattern that is otherwise right: with a typo like {premis} the
  // "did you mean" error already says what is missing.
  if (problems.length === 0) {
    const used = new Set(parsed.placeholders.map((p) => p.name));
    if (used.size === 0) {
      problems.push({ message: 'the pattern has no placeholder, so every example renders the same', severity: 'warning', start: 0, end: source.length });
    } else {
      const unused = fieldNames.filter((f) => !used.has(f));
      if (unused.length > 0) {
        problems.push({ message: `the pattern does not use ${unused.map((f) => `{${f}}`).join(', ')}`, severity: 'warning', start: 0, end: source.length });
      }
    }
  }
  return problems;
}

/** The pattern as an error message quotes it: whole when short, its start when long. */
function quoted(source: string): string {
  return source.length <= 200 ? JSON.stringify(source) : `${JSON.stringify(source.slice(0, 80))}… (${source.length} characters)`;
}

export class PatternError extends Error {
  constructor(message: string, readonly problems: PatternProblem[] = []) {
    super(message);
    this.name = 'PatternError';
  }
}

/** Fills a pattern with an example's fields. Throws PatternError on syntax errors or unknown fields. */
export function renderPattern(pattern: string | ParsedPattern, fields: Readonly<Record<string, string>>): string {
  const parsed = typeof pattern === 'string' ? parsePattern(pattern) : pattern;
  if (parsed.errors.length > 0) {
    throw new PatternError(`invalid pattern ${quoted(parsed.source)}: ${parsed.errors.map((e) => e.message).join('; ')}`, parsed.errors);
  }
  let out = '';
  for (const segment of parsed.segments) {
    if (segment.kind === 'text') {
      out += segment.text;
    } else {
      const value = fields[segment.name];
      if (value === undefined) {
        throw new PatternError(`pattern ${quoted(parsed.source)} uses {${segment.name}}, but the example has only ${Object.keys(fields).map((f) => `{${f}}`).join(', ')}`);
      }
      out += value;
    }
  }
  return out;
}
