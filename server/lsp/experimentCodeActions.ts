// Quick fixes for experiment files, driven by the diagnostics' `data` (set by the shared validator,
// server/core/experiment): where it carries a `replacement`, the fix puts it in place of the
// diagnostic's range (nearest key, method, task, label or placeholder; the leading-space form of a
// verbalizer; in-domain-dev for CoLA's flawed GLUE validation). A label without a verbalizer gets
// one inserted: the built-in default for a built-in task, else the label name with a leading space.
import { isMap, isScalar, type Document } from 'yaml';
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DiagnosticData } from '../../protocol/experiment';
import { isBuiltinTask } from '../../protocol/experiment';
import { Code } from '../core/experiment/codes';
import { BUILTIN_PROMPTING } from '../core/experiment/normalize';
import { parsedText } from './lastParse';
import { locateAt, nodeAt, pairAt } from './yamlLocate';

export function experimentCodeActions(document: TextDocument, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  let doc: Document.Parsed | undefined | null = null; // parsed on first need
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== 'ftlab') continue;
    const data = (diagnostic.data ?? {}) as DiagnosticData;
    if (typeof data.replacement === 'string') {
      const action = replacementFix(document, diagnostic, data.replacement);
      if (action) actions.push(action);
    } else if (diagnostic.code === Code.missingVerbalizer && typeof data.suggestion === 'string') {
      doc ??= parsedText(document.getText());
      const action = doc ? missingVerbalizerFix(document, doc, diagnostic, data.suggestion) : undefined;
      if (action) actions.push(action);
    }
  }
  return actions;
}

function replacementFix(document: TextDocument, diagnostic: Diagnostic, replacement: string): CodeAction | undefined {
  const current = document.getText(diagnostic.range);
  if (current === replacement) return undefined;
  // A placeholder fix replaces `{name}`; if the range is not one (the parser could only point at
  // the whole pattern), replacing it would destroy the pattern.
  if (diagnostic.code === Code.unknownPlaceholder && !/^\{[^{}]*\}$/.test(current)) return undefined;
  return {
    title: titleFor(String(diagnostic.code), replacement),
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: true,
    edit: { changes: { [document.uri]: [{ range: diagnostic.range, newText: replacement }] } },
  };
}

function titleFor(code: string, replacement: string): string {
  switch (code) {
    case Code.verbalizerNotSingleToken:
      return `Use ${replacement} (one token, with a leading space)`;
    case Code.colaGlueValidationFlaw:
      return `Evaluate in-domain on in_domain_dev (${replacement})`;
    default:
      return `Change to ${replacement}`;
  }
}

/** Inserts `label: "<verbalizer>"` into the task's verbalizers (or adds the verbalizers mapping). */
function missingVerbalizerFix(document: TextDocument, doc: Document.Parsed, diagnostic: Diagnostic, label: string): CodeAction | undefined {
  const at = locateAt(doc, document.offsetAt(diagnostic.range.start));
  if (!at || at.part !== 'key' || at.path[0] !== 'patterns' || typeof at.path[1] !== 'string') return undefined;
  const task = at.path[1];
  const verbalizer = isBuiltinTask(task) ? (BUILTIN_PROMPTING[task].verbalizers[label] ?? ` ${label}`) : ` ${label}`;
  const entry = `${yamlKey(label)}: ${JSON.stringify(verbalizer)}`;
  const edit =
    at.path.length === 3 && at.path[2] === 'verbalizers'
      ? addToVerbalizers(document, doc, ['patterns', task, 'verbalizers'], entry)
      : at.path.length === 2
        ? addVerbalizersMapping(document, doc, ['patterns', task], entry)
        : undefined;
  if (!edit) return undefined;
  return {
    title: `Add a verbalizer for ${label}: ${JSON.stringify(verbalizer)}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: true,
    edit: { changes: { [document.uri]: [edit] } },
  };
}

function addToVerbalizers(document: TextDocument, doc: Document.Parsed, path: string[], entry: string): TextEdit | undefined {
  const text = document.getText();
  const pair = pairAt(doc, path);
  const keyRange = rangeOf(pair?.key);
  if (!pair || !keyRange) return undefined;
  const map = pair.value;
  if (isMap(map) && map.items.length > 0) {
    const last = map.items[map.items.length - 1];
    const lastKey = rangeOf(last.key);
    const lastValue = rangeOf(last.value) ?? lastKey;
    if (!lastKey || !lastValue) return undefined;
    if (map.flow) return insertAt(document, lastValue[1], `, ${entry}`);
    // After the last entry's line (its comment stays on it), at that entry's indentation.
    return insertAt(document, lineEnd(text, lastValue[1]), `\n${' '.repeat(columnOf(text, lastKey[0]))}${entry}`);
  }
  if (isMap(map) && map.flow) {
    const open = rangeOf(map);
    return open ? insertAt(document, open[0] + 1, ` ${entry} `) : undefined;
  }
  if (map === null || (isScalar(map) && map.value === null)) {
    // `verbalizers:` with nothing after it.
    const indent = columnOf(text, keyRange[0]) + 2;
    return insertAt(document, lineEnd(text, keyRange[1]), `\n${' '.repeat(indent)}${entry}`);
  }
  return undefined;
}

function addVerbalizersMapping(document: TextDocument, doc: Document.Parsed, path: string[], entry: string): TextEdit | undefined {
  const text = document.getText();
  const map = nodeAt(doc, path);
  if (!isMap(map) || map.flow || map.items.length === 0) return undefined;
  const last = map.items[map.items.length - 1];
  const lastKey = rangeOf(last.key);
  const end = rangeOf(last.value) ?? lastKey;
  if (!lastKey || !end) return undefined;
  const indent = ' '.repeat(columnOf(text, lastKey[0]));
  return insertAt(document, lineEnd(text, end[1] - 1), `\n${indent}verbalizers:\n${indent}  ${entry}`);
}

function insertAt(document: TextDocument, offset: number, newText: string): TextEdit {
  const position = document.positionAt(offset);
  return { range: { start: position, end: position }, newText };
}

function rangeOf(node: unknown): readonly [number, number] | undefined {
  const range = (node as { range?: readonly [number, number, number] | null } | null)?.range;
  return range ? [range[0], range[1]] : undefined;
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', Math.max(0, offset));
  const end = nl < 0 ? text.length : nl;
  return end > 0 && text[end - 1] === '\r' ? end - 1 : end;
}

/** A label as a YAML key: plain when that reads back as the same string, else quoted. */
function yamlKey(label: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(label) && !/^(true|false|null|yes|no|on|off)$/i.test(label) ? label : JSON.stringify(label);
}
