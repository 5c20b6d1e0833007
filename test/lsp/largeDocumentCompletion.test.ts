// Completion in multi-megabyte experiment files, through the real server: the answer depends on the
// lines around the cursor, and it must be the same as in a small file with the same structure —
// whatever megabytes of block-scalar text, comments, list items or mapping entries lie above or
// below. Also: the parse kept for the next request (server/lsp/lastParse.ts) never answers for
// text it was not made from, after an edit or when a closed file is reopened as version 1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CompletionRequest, DidCloseTextDocumentNotification, type CompletionItem, type TextEdit } from 'vscode-languageserver-protocol/node';
import { EXPERIMENT_LANGUAGE_ID } from '../../protocol/lsp';
import { fileUri, tempDir, withCursor } from './lib/fixtures';
import { startServer, type ServerUnderTest } from './lib/serverProcess';

let server: ServerUnderTest;
let count = 0;
const MB = 1024 * 1024;

before(async () => {
  server = await startServer();
});
after(() => server.stop());

type Item = [label: string, newText: string, range: number[]];

async function completeAt(uri: string, marked: string): Promise<Item[]> {
  const { position } = withCursor(marked);
  const result = await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
  return ((Array.isArray(result) ? result : (result?.items ?? [])) as CompletionItem[]).map((item) => {
    const edit = item.textEdit as TextEdit;
    return [item.label, edit.newText, [edit.range.start.line, edit.range.start.character, edit.range.end.character]];
  });
}

async function complete(marked: string): Promise<Item[]> {
  const uri = fileUri(join(tempDir(), `large${count++}.ftlab.yaml`));
  await server.openDocument(uri, EXPERIMENT_LANGUAGE_ID, withCursor(marked).text);
  return completeAt(uri, marked);
}

/** `lines` lines of `line` (each ending in a newline). */
const repeat = (line: string, lines: number) => `${line}\n`.repeat(lines);
/** As many lines of `line` as make about `megabytes` MB. */
const filler = (line: string, megabytes: number) => repeat(line, Math.ceil((megabytes * MB) / (line.length + 1)));
const lineCount = (text: string) => text.split('\n').length - 1;

/**
 * The items at the cursor of `template` with `{{FILL}}` replaced by `fill`, and the items of the
 * same template with nothing there, their ranges moved down by the filler's lines.
 */
async function bigAndSmall(template: string, fill: string): Promise<{ big: Item[]; expected: Item[] }> {
  const fillLines = lineCount(fill);
  const markedBig = template.replace('{{FILL}}', fill);
  assert.ok(markedBig.length > 3 * MB, `a multi-megabyte document (${markedBig.length} characters)`);
  const big = await complete(markedBig);
  const small = await complete(template.replace('{{FILL}}', ''));
  const cursorBelowFill = template.indexOf('{{FILL}}') < template.indexOf('§');
  const expected = small.map(([label, newText, [line, from, to]]): Item => [label, newText, [line + (cursorBelowFill ? fillLines : 0), from, to]]);
  return { big, expected };
}

test('top-level keys below megabytes of a block-scalar pattern and comments', async () => {
  const template = 'name: demo\ntasks: [cola]\npatterns:\n  cola:\n    pattern: |\n{{FILL}}trai§\nseeds: 2\n';
  const fill = filler('      {sentence} Is this sentence fine? yes or no', 3) + filler('# a long comment about the study', 1);
  const { big, expected } = await bigAndSmall(template, fill);
  assert.deepEqual(big, expected);
  assert.deepEqual(big.map(([label]) => label), ['description', 'models', 'methods', 'n', 'training', 'evaluation', 'data', 'provider', 'threads']);
});

test('a nested key above megabytes of other sections, with siblings on both sides', async () => {
  const template = 'name: demo\ntraining:\n  epochs: 3\n  §\n  lr: 1.0e-4\n{{FILL}}seeds: 2\n';
  const fill = 'data:\n  custom:\n' + Array.from({ length: 60_000 }, (_, i) => `    t${i}:\n      train: ./t${i}.jsonl\n      fields: [text]\n`).join('');
  const { big, expected } = await bigAndSmall(template, fill);
  assert.deepEqual(big, expected);
  assert.deepEqual(big.map(([label]) => label), ['batchSize', 'microBatchSize', 'memoryBudgetMB', 'weightDecay', 'warmupRatio', 'schedule', 'adamBeta1', 'adamBeta2', 'adamEpsilon', 'maxLength']);
});

test('a list item after a list of half a million items, and a placeholder after them', async () => {
  const methods = await bigAndSmall('methods:\n{{FILL}}  - §\n', repeat('  - vanilla', 500_000));
  assert.deepEqual(methods.big, methods.expected);
  assert.deepEqual(methods.big.map(([label]) => label), ['vanilla', 'pbft', 'adaptive', 'lora', 'distill', 'icl']);

  const placeholder = await bigAndSmall('tasks: [mnli]\nseeds:\n{{FILL}}patterns:\n  mnli:\n    pattern: "{premise} {§}"\n', repeat('  - 1', 700_000));
  assert.deepEqual(placeholder.big, placeholder.expected);
  assert.deepEqual(placeholder.big.map(([label]) => label), ['premise', 'hypothesis']);
});

test('keys among a mapping of a million entries: the ones it has are not offered again', async () => {
  const template = 'name: demo\ntraining:\n  epochs: 3\n{{FILL}}  §\n  lr: 1.0e-4\n';
  const { big, expected } = await bigAndSmall(template, repeat('  maxLength: 64', 250_000) + repeat('  schedule: linear', 250_000));
  const without = new Set(['maxLength', 'schedule']);
  assert.deepEqual(big, expected.filter(([label]) => !without.has(label)));
});

test('answers follow the text: after an edit, and after the file is closed and reopened as version 1', async () => {
  const uri = fileUri(join(tempDir(), 'edited.ftlab.yaml'));
  const doc = (labels: string) =>
    `tasks: [reviews]\ndata:\n  custom:\n    reviews:\n      fields: [text]\n      labels: [${labels}]\npatterns:\n  reviews:\n    verbalizers:\n      §\n`;
  const labelsAt = async (marked: string) => (await completeAt(uri, marked)).map(([label]) => label);

  await server.openDocument(uri, EXPERIMENT_LANGUAGE_ID, withCursor(doc('bad, good')).text);
  assert.deepEqual(await labelsAt(doc('bad, good')), ['bad', 'good']);
  assert.deepEqual(await labelsAt(doc('bad, good')), ['bad', 'good'], 'the same version again');
  await server.changeDocument(uri, withCursor(doc('neg, pos')).text, 2);
  assert.deepEqual(await labelsAt(doc('neg, pos')), ['neg', 'pos']);
  await server.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  await server.openDocument(uri, EXPERIMENT_LANGUAGE_ID, withCursor(doc('low, mid, high')).text, 1);
  assert.deepEqual(await labelsAt(doc('low, mid, high')), ['low', 'mid', 'high']);
});
