// Hover in experiment files: a key's documentation from the schema table (the text the JSON Schema
// carries too), tasks and methods explained, and on a verbalizer the tokens and ids it becomes
// under each model's tokenizer — the thing a user cannot see by looking at `" Yes"`.
import { dirname } from 'node:path';
import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { BUILTIN_TASKS, isBuiltinTask } from '../../protocol/experiment';
import { METHOD_IDS, METHOD_LABELS, type MethodId } from '../../protocol/results';
import { EXPERIMENT_SCHEMA } from '../core/experiment/experimentSchema';
import { toModelRef } from '../core/experiment/normalize';
import { formatPath } from '../core/experiment/reporter';
import { schemaAt } from '../core/experiment/schemaModel';
import { labelsOfTask, type DocumentFacts } from './documentFacts';
import { docOf, typeOf } from './experimentCompletion';
import { filePathOf } from './experimentDiagnostics';
import type { FeatureContext } from './featureContext';
import { factsOfText, parsedText } from './lastParse';
import { tokenizerOf } from './verbalizerTokens';
import { locateAt, type LocatedNode } from './yamlLocate';

export async function hoverExperiment(document: TextDocument, offset: number, ctx: FeatureContext): Promise<Hover | null> {
  const text = document.getText();
  const doc = parsedText(text);
  if (!doc) return null;
  const found = locateAt(doc, offset);
  if (!found) return null;
  const facts = factsOfText(text);
  const markdown = await describe(found, facts, document, ctx);
  if (!markdown) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: markdown },
    range: { start: document.positionAt(found.start), end: document.positionAt(found.end) },
  };
}

async function describe(found: LocatedNode, facts: DocumentFacts, document: TextDocument, ctx: FeatureContext): Promise<string | undefined> {
  const { path, part, value } = found;
  const [first, second, third] = path;
  const isVerbalizer = path.length === 4 && first === 'patterns' && typeof second === 'string' && third === 'verbalizers';
  if (isVerbalizer && part === 'value' && typeof value === 'string') {
    return verbalizerHover(value, String(path[3]), second, facts, document, ctx);
  }
  if (isVerbalizer && part === 'key') {
    const label = labelsOfTask(second, facts)?.find((l) => l.name === path[3] || l.id === path[3]);
    if (label) return `**Label \`${label.name}\`** (class ${label.id}) of ${second}\n\nIts verbalizer: the one token the model should predict for this label.`;
  }
  if (part === 'value' && typeof value === 'string') {
    if (first === 'tasks' && isBuiltinTask(value)) return `**${value}**: ${BUILTIN_TASKS[value].description}`;
    if (first === 'methods' && (METHOD_IDS as readonly string[]).includes(value)) return methodHover(value as MethodId);
  }
  if (part === 'key' && path.length === 2 && first === 'patterns' && typeof second === 'string' && isBuiltinTask(second)) {
    return `**patterns.${second}**: the pattern and verbalizers of ${second}.\n\n${BUILTIN_TASKS[second].description}`;
  }
  if (part === 'key' && path.length === 2 && first === 'methods' && (METHOD_IDS as readonly string[]).includes(String(second))) {
    return methodHover(second as MethodId);
  }
  const node = schemaAt(EXPERIMENT_SCHEMA, path);
  if (!node) return undefined;
  return `**${formatPath(path)}** · \`${typeOf(node)}\`\n\n${docOf(node)}`;
}

function methodHover(method: MethodId): string {
  const node = schemaAt(EXPERIMENT_SCHEMA, ['methods', method]);
  return `**${method}** (${METHOD_LABELS[method]})${node ? `\n\n${node.description}` : ''}`;
}

/** The verbalizer's tokens and ids under the tokenizer of every model the file names. */
async function verbalizerHover(
  text: string,
  labelKey: string,
  task: string,
  facts: DocumentFacts,
  document: TextDocument,
  ctx: FeatureContext,
): Promise<string> {
  const label = labelsOfTask(task, facts)?.find((l) => l.name === labelKey || l.id === labelKey);
  const lines = [
    `**Verbalizer** ${code(JSON.stringify(text))} of label ${code(label?.name ?? labelKey)}${label ? ` (class ${label.id})` : ''} in ${task}`,
    '',
    '| model | tokens | ids |',
    '| --- | --- | --- |',
  ];
  const filePath = filePathOf(document.uri);
  const baseDir = filePath ? dirname(filePath) : undefined;
  for (const name of facts.models) {
    const lookup = await tokenizerOf(ctx, toModelRef(name, baseDir).location);
    const model = cell(name);
    if (lookup.status === 'missing') {
      lines.push(`| ${model} | tokenizer not available here (not downloaded) | |`);
    } else if (lookup.status === 'failed') {
      lines.push(`| ${model} | tokenizer failed to load: ${cell(lookup.error)} | |`);
    } else {
      const split = lookup.tokenizer.splitIntoTokens(text);
      const tokens = split.tokens.map((t) => code(t.token)).join(' ');
      const verdict = split.single ? '' : ` — ${split.tokens.length} tokens; a verbalizer must be one`;
      lines.push(`| ${model} | ${tokens}${verdict} | ${split.tokens.map((t) => t.id).join(', ')} |`);
    }
  }
  return lines.join('\n');
}

/** Inline code that survives backticks and table pipes in the text. */
function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  const padded = text.startsWith('`') || text.endsWith('`') ? ` ${text} ` : text;
  return `${fence}${padded.replace(/\|/g, '\\|')}${fence}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
