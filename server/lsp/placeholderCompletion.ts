// Completion of `{field}` placeholders inside a pattern: after an opening `{` (not the `{{` of a
// literal brace), the fields of the task the pattern belongs to. Shared by experiment files
// (patterns.<task>.pattern) and standalone pattern files (every built-in task's fields).
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { BUILTIN_TASK_IDS, BUILTIN_TASKS } from '../../protocol/experiment';

export interface FieldOffer {
  name: string;
  /** Tasks that have the field, for the item's detail. */
  tasks: string[];
}

/**
 * Where a placeholder name is being typed: `typed` is the pattern's text from its start (or its
 * line's start) to the cursor. Returns how many characters of the name precede the cursor.
 */
export function openPlaceholder(typed: string): number | undefined {
  const match = /\{([A-Za-z0-9_-]*)$/.exec(typed);
  if (!match) return undefined;
  // `{{` is a literal brace: the brace run before the name must have odd length to open a field.
  let braces = 0;
  for (let i = match.index; i >= 0 && typed[i] === '{'; i--) braces++;
  return braces % 2 === 1 ? match[1].length : undefined;
}

export function placeholderItems(
  document: TextDocument,
  offset: number,
  nameBefore: number,
  fields: readonly FieldOffer[],
): CompletionItem[] {
  const text = document.getText();
  let end = offset;
  while (end < text.length && /[A-Za-z0-9_-]/.test(text[end])) end++;
  const closed = text[end] === '}';
  const range = { start: document.positionAt(offset - nameBefore), end: document.positionAt(end) };
  return fields.map((field, i) => ({
    label: field.name,
    kind: CompletionItemKind.Field,
    detail: `field of ${field.tasks.join(', ')}`,
    sortText: String(i).padStart(3, '0'),
    textEdit: { range, newText: closed ? field.name : `${field.name}}` },
  }));
}

/** Every field of the built-in tasks, with the tasks that have it (for pattern files). */
export function builtinFieldOffers(): FieldOffer[] {
  const offers = new Map<string, string[]>();
  for (const task of BUILTIN_TASK_IDS) {
    for (const field of BUILTIN_TASKS[task].fields) offers.set(field, [...(offers.get(field) ?? []), task]);
  }
  return [...offers].map(([name, tasks]) => ({ name, tasks }));
}
