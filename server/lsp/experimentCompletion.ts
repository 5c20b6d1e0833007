// Completion in experiment files, from the same schema table the validator checks against: the
// keys a mapping may hold (minus those it has), enum values, tasks and method names, label names
// under `verbalizers:`, models from the local Hugging Face cache under `models:`, and `{field}`
// placeholders of the task a pattern belongs to.
import { CompletionItemKind, MarkupKind, type CompletionItem, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { BUILTIN_TASKS, isBuiltinTask } from '../../protocol/experiment';
import { METHOD_IDS, METHOD_LABELS } from '../../protocol/results';
import { EXPERIMENT_SCHEMA } from '../core/experiment/experimentSchema';
import { BUILTIN_PROMPTING } from '../core/experiment/normalize';
import { expandUnion, schemaAt, type SchemaNode } from '../core/experiment/schemaModel';
import { fieldsOfTask, knownTasks, labelsOfTask, type DocumentFacts } from './documentFacts';
import type { FeatureContext } from './featureContext';
import { factsOfText } from './lastParse';
import { openPlaceholder, placeholderItems } from './placeholderCompletion';
import { cachedModelIds } from './tokenizerFolders';
import { cursorContext, type CursorContext, type Path } from './yamlCursor';

type ValueContext = Extract<CursorContext, { kind: 'value' }>;

export function completeExperiment(document: TextDocument, offset: number, ctx: FeatureContext): CompletionItem[] {
  const text = document.getText();
  const cursor = cursorContext(text, offset);
  if (!cursor) return [];
  // Parsing the whole file is only needed where the answer depends on its tasks or labels.
  const facts = (): DocumentFacts => factsOfText(text);
  if (cursor.kind === 'key') {
    return keyItems(cursor.parent, cursor.siblings, facts, document, {
      range: rangeOf(document, cursor.start, cursor.end),
      colonFollows: cursor.colonFollows,
      flow: cursor.flow,
    });
  }
  const [first, task, third] = cursor.path;
  if (first === 'patterns' && typeof task === 'string' && third === 'pattern' && cursor.path.length === 3) {
    const nameBefore = openPlaceholder(cursor.typed);
    const fields = fieldsOfTask(task, facts());
    if (nameBefore === undefined || !fields) return [];
    return placeholderItems(document, offset, nameBefore, fields.map((name) => ({ name, tasks: [task] })));
  }
  const values = valueItems(cursor, facts, document, ctx);
  const keys = cursor.itemKeys
    ? keyItems(cursor.path, cursor.itemKeys.siblings, facts, document, { range: rangeOf(document, cursor.start, cursor.end), colonFollows: false, flow: false })
    : [];
  return [...values, ...keys];
}

interface KeyEdit {
  range: Range;
  colonFollows: boolean;
  flow: boolean;
}

function keyItems(parent: Path, siblings: Set<string>, facts: () => DocumentFacts, document: TextDocument, edit: KeyEdit): CompletionItem[] {
  const items: CompletionItem[] = [];
  const add = (key: string, detail: string, documentation: string, kind: CompletionItemKind, opensBlock: boolean) => {
    if (siblings.has(key)) return;
    const suffix = edit.colonFollows ? '' : opensBlock && !edit.flow ? ':' : ': ';
    items.push({
      label: key,
      kind,
      detail,
      documentation: { kind: MarkupKind.Markdown, value: documentation },
      sortText: String(items.length).padStart(3, '0'),
      textEdit: { range: edit.range, newText: key + suffix },
    });
  };
  const [first, task, third] = parent;
  if (parent.length === 1 && first === 'patterns') {
    const known = knownTasks(facts());
    for (const name of facts().tasks.filter((t) => known.includes(t))) {
      add(name, 'pattern and verbalizers', isBuiltinTask(name) ? BUILTIN_TASKS[name].description : `Custom task ${name}.`, CompletionItemKind.Module, true);
    }
    return items;
  }
  if (parent.length === 3 && first === 'patterns' && typeof task === 'string' && third === 'verbalizers') {
    for (const label of labelsOfTask(task, facts()) ?? []) {
      const fallback = isBuiltinTask(task) ? BUILTIN_PROMPTING[task].verbalizers[label.name] : undefined;
      const byId = siblings.has(label.id);
      if (byId) continue; // the label is already given by its class index
      add(
        label.name,
        `label ${label.id} of ${task}`,
        `The verbalizer of label \`${label.name}\` (class ${label.id}).` + (fallback ? ` Default: \`${JSON.stringify(fallback)}\`.` : ''),
        CompletionItemKind.EnumMember,
        false,
      );
    }
    return items;
  }
  for (const node of objectVariants(schemaAt(EXPERIMENT_SCHEMA, parent))) {
    for (const [key, child] of Object.entries(node.properties)) {
      add(key, typeOf(child), docOf(child), CompletionItemKind.Property, opensBlock(child));
    }
  }
  return items;
}

function valueItems(cursor: ValueContext, facts: () => DocumentFacts, document: TextDocument, ctx: FeatureContext): CompletionItem[] {
  const range = rangeOf(document, cursor.start, cursor.end);
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const add = (value: string, detail: string, kind: CompletionItemKind, documentation?: string) => {
    if (seen.has(value)) return;
    seen.add(value);
    items.push({
      label: value,
      kind,
      detail,
      ...(documentation ? { documentation: { kind: MarkupKind.Markdown, value: documentation } } : {}),
      sortText: String(items.length).padStart(3, '0'),
      filterText: value,
      textEdit: { range, newText: (cursor.needsSpace ? ' ' : '') + value },
    });
  };
  const path = cursor.path;
  const inList = (key: string) => path.length === 2 && path[0] === key && typeof path[1] === 'number';
  if (inList('models')) {
    for (const id of cachedModelIds(ctx.hubCacheDir())) add(id, 'in the local Hugging Face cache', CompletionItemKind.Module);
  }
  if (inList('tasks')) {
    for (const task of knownTasks(facts())) {
      add(task, isBuiltinTask(task) ? 'built-in task' : 'custom task (data.custom)', CompletionItemKind.Value, isBuiltinTask(task) ? BUILTIN_TASKS[task].description : undefined);
    }
  }
  const node = schemaAt(EXPERIMENT_SCHEMA, path);
  for (const variant of node ? expandUnion(node) : []) {
    if (variant.kind === 'string') {
      for (const value of variant.enum ?? []) {
        const method = (METHOD_IDS as readonly string[]).includes(value) && path[0] === 'methods' ? METHOD_LABELS[value as keyof typeof METHOD_LABELS] : undefined;
        add(value, method ?? variant.noun ?? 'value', CompletionItemKind.EnumMember, variant.description);
      }
      for (const value of variant.examples ?? []) add(value, path[0] === 'models' ? 'Hugging Face Hub id' : 'example', CompletionItemKind.Value);
    }
    if (variant.kind === 'boolean') for (const value of ['true', 'false']) add(value, 'boolean', CompletionItemKind.Value);
  }
  return items;
}

function objectVariants(node: SchemaNode | undefined): Extract<SchemaNode, { kind: 'object' }>[] {
  return (node ? expandUnion(node) : []).filter((n): n is Extract<SchemaNode, { kind: 'object' }> => n.kind === 'object');
}

/** Whether a key's value is usually written on the following lines. */
function opensBlock(node: SchemaNode): boolean {
  const variants = expandUnion(node);
  return variants.every((v) => v.kind === 'object' || v.kind === 'array') && variants.some((v) => v.kind === 'object');
}

/** A short type for the item's detail: `integer ≥ 1`, `linear | constant`, `list | mapping`. */
export function typeOf(node: SchemaNode): string {
  const one = (n: SchemaNode): string => {
    switch (n.kind) {
      case 'object':
        return 'mapping';
      case 'array':
        return 'list';
      case 'string':
        return n.enum ? n.enum.join(' | ') : 'text';
      case 'union':
        return expandUnion(n).map(one).join(' | ');
      default:
        return n.kind;
    }
  };
  return one(node);
}

/** Markdown documentation of a schema node: its description and default. */
export function docOf(node: SchemaNode): string {
  const fallback = node.default !== undefined ? `\n\nDefault: \`${JSON.stringify(node.default)}\`` : '';
  return node.description + fallback;
}

function rangeOf(document: TextDocument, start: number, end: number): Range {
  return { start: document.positionAt(start), end: document.positionAt(end) };
}
