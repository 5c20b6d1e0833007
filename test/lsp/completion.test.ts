// Completion through the real server: keys at the cursor's YAML path (minus those already there),
// enum values, `{field}` placeholders of the pattern's task (built-in and custom), label names
// under `verbalizers:`, model ids from the local Hugging Face cache, and placeholders in pattern
// files — each with the exact range it replaces.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CompletionRequest, type CompletionItem, type TextEdit } from 'vscode-languageserver-protocol/node';
import { EXPERIMENT_LANGUAGE_ID, PATTERN_LANGUAGE_ID } from '../../protocol/lsp';
import { fileUri, makeHubCache, tempDir, withCursor } from './lib/fixtures';
import { startServer, type ServerUnderTest } from './lib/serverProcess';

let server: ServerUnderTest;
let count = 0;

before(async () => {
  // The cache holds facebook/opt-125m and a model that is not among the schema's examples.
  server = await startServer(undefined, { env: { HF_HUB_CACHE: makeHubCache('facebook/opt-125m', 'my-org/opt-tiny-cola') } });
});
after(() => server.stop());

/** Completion items at the `§` of `marked`, as [label, newText, range as [line, from, to]]. */
async function complete(marked: string, languageId = EXPERIMENT_LANGUAGE_ID): Promise<[string, string, number[]][]> {
  const { text, position } = withCursor(marked);
  const uri = fileUri(join(tempDir(), `doc${count++}${languageId === EXPERIMENT_LANGUAGE_ID ? '.ftlab.yaml' : '.ftlab-pattern'}`));
  await server.openDocument(uri, languageId, text);
  const result = await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
  const items = (Array.isArray(result) ? result : (result?.items ?? [])) as CompletionItem[];
  return items.map((item) => {
    const edit = item.textEdit as TextEdit;
    assert.equal(edit.range.start.line, edit.range.end.line);
    return [item.label, edit.newText, [edit.range.start.line, edit.range.start.character, edit.range.end.character]];
  });
}

const labels = (items: [string, string, number[]][]) => items.map(([label]) => label);

test('top-level keys the file does not have yet, replacing the typed word', async () => {
  const items = await complete('name: demo\ntasks: [cola]\ntrai§\nseeds: 2\n');
  assert.deepEqual(labels(items), ['description', 'models', 'methods', 'n', 'training', 'evaluation', 'patterns', 'data', 'provider', 'threads']);
  assert.deepEqual(items.find(([l]) => l === 'training'), ['training', 'training:', [2, 0, 4]]);
  assert.deepEqual(items.find(([l]) => l === 'provider'), ['provider', 'provider: ', [2, 0, 4]]);
});

test('nested keys follow the indentation: training, a method\'s options, a seed pair', async () => {
  assert.deepEqual(
    labels(await complete('training:\n  epochs: 3\n  §\n  lr: 1.0e-4\n')),
    ['batchSize', 'microBatchSize', 'memoryBudgetMB', 'weightDecay', 'warmupRatio', 'schedule', 'adamBeta1', 'adamBeta2', 'adamEpsilon', 'maxLength'],
  );
  assert.deepEqual(await complete('methods:\n  lora:\n    r: 4\n    al§'), [
    ['alpha', 'alpha: ', [3, 4, 6]],
    ['dropout', 'dropout: ', [3, 4, 6]],
    ['targetModules', 'targetModules: ', [3, 4, 6]],
    ['head', 'head: ', [3, 4, 6]],
  ]);
  assert.deepEqual(labels(await complete('methods:\n  vanilla:\n  §')), ['pbft', 'adaptive', 'lora', 'distill', 'icl']);
  assert.deepEqual(await complete('seeds:\n  - data: 1\n    m§'), [['model', 'model: ', [2, 4, 5]]]);
});

test('enum values: provider, methods in a flow list, ICL formats, heads, CoLA eval sets', async () => {
  assert.deepEqual(await complete('provider: §'), [
    ['auto', 'auto', [0, 10, 10]],
    ['cpu', 'cpu', [0, 10, 10]],
    ['webgpu', 'webgpu', [0, 10, 10]],
    ['cuda', 'cuda', [0, 10, 10]],
  ]);
  assert.deepEqual(await complete('provider:§'), [
    ['auto', ' auto', [0, 9, 9]],
    ['cpu', ' cpu', [0, 9, 9]],
    ['webgpu', ' webgpu', [0, 9, 9]],
    ['cuda', ' cuda', [0, 9, 9]],
  ]);
  const methods = await complete('methods: [vanilla, lo§]');
  assert.deepEqual(labels(methods), ['vanilla', 'pbft', 'adaptive', 'lora', 'distill', 'icl']);
  assert.deepEqual(methods[3], ['lora', 'lora', [0, 19, 21]]);
  assert.deepEqual(labels(await complete('methods:\n  - vanilla\n  - §')), ['vanilla', 'pbft', 'adaptive', 'lora', 'distill', 'icl']);
  assert.deepEqual(labels(await complete('methods:\n  icl:\n    format: §')), ['pattern', 'minimal', 'gpt-3', 'eval-harness']);
  assert.deepEqual(labels(await complete('methods:\n  lora:\n    head: §')), ['cls', 'lm']);
  assert.deepEqual(labels(await complete('methods:\n  adaptive:\n    freezeEmbeddings: §')), ['true', 'false']);
  assert.deepEqual(await complete('data:\n  cola:\n    inDomainEval: "in§"'), [
    ['in-domain-dev', 'in-domain-dev', [2, 19, 21]],
    ['glue-validation', 'glue-validation', [2, 19, 21]],
  ]);
  assert.deepEqual(labels(await complete('data:\n  custom:\n    mine:\n      format: §')), ['jsonl', 'csv', 'tsv', 'parquet']);
});

test('tasks: the built-in ones and the file\'s custom ones', async () => {
  const marked = 'tasks: [cola, §]\ndata:\n  custom:\n    reviews:\n      fields: [text]\n      labels: [bad, good]\n';
  assert.deepEqual(await complete(marked), [
    ['cola', 'cola', [0, 14, 14]],
    ['mnli', 'mnli', [0, 14, 14]],
    ['mnli-3way', 'mnli-3way', [0, 14, 14]],
    ['reviews', 'reviews', [0, 14, 14]],
  ]);
});

test('models: ids in the local Hugging Face cache first, then the study\'s models', async () => {
  assert.deepEqual(await complete('models:\n  - facebook/o§\n'), [
    ['facebook/opt-125m', 'facebook/opt-125m', [1, 4, 14]],
    ['my-org/opt-tiny-cola', 'my-org/opt-tiny-cola', [1, 4, 14]],
    ['facebook/opt-350m', 'facebook/opt-350m', [1, 4, 14]],
  ]);
});

test('placeholders inside a pattern: the fields of that pattern\'s task', async () => {
  assert.deepEqual(await complete('tasks: [cola]\npatterns:\n  cola:\n    pattern: "{sen§ ?"'), [['sentence', 'sentence}', [3, 15, 18]]]);
  assert.deepEqual(await complete('tasks: [mnli]\npatterns:\n  mnli:\n    pattern: "{premise} {§}"'), [
    ['premise', 'premise', [3, 25, 25]],
    ['hypothesis', 'hypothesis', [3, 25, 25]],
  ]);
  const custom = [
    'tasks: [reviews]',
    'data:',
    '  custom:',
    '    reviews:',
    '      fields: { body: review_text, title: headline }',
    '      labels: [bad, good]',
    'patterns:',
    '  reviews:',
    '    pattern: |',
    '      Title: {ti§',
  ].join('\n');
  assert.deepEqual(await complete(custom), [
    ['body', 'body}', [9, 14, 16]],
    ['title', 'title}', [9, 14, 16]],
  ]);
  // `{{` is a literal brace, and outside a pattern `{` offers nothing.
  assert.deepEqual(await complete('tasks: [cola]\npatterns:\n  cola:\n    pattern: "{{§"'), []);
  assert.deepEqual(await complete('description: "{§"'), []);
});

test('label names under verbalizers: those of the task that have no verbalizer yet', async () => {
  const marked = [
    'tasks: [mnli-3way]',
    'patterns:',
    '  mnli-3way:',
    '    pattern: "{premise} {hypothesis} ?"',
    '    verbalizers:',
    '      neutral: " Maybe"',
    '      §',
  ].join('\n');
  assert.deepEqual(await complete(marked), [
    ['entailment', 'entailment: ', [6, 6, 6]],
    ['contradiction', 'contradiction: ', [6, 6, 6]],
  ]);
  assert.deepEqual(await complete('tasks: [cola]\npatterns:\n  cola:\n    verbalizers: { acceptable: " Yes", u§ }'), [
    ['unacceptable', 'unacceptable: ', [3, 39, 40]],
  ]);
  assert.deepEqual(labels(await complete('tasks: [cola, mnli]\npatterns:\n  §')), ['cola', 'mnli']);
});

test('pattern files: every built-in field after an opening brace', async () => {
  assert.deepEqual(await complete('Premise: {p§}\n', PATTERN_LANGUAGE_ID), [
    ['sentence', 'sentence', [0, 10, 11]],
    ['premise', 'premise', [0, 10, 11]],
    ['hypothesis', 'hypothesis', [0, 10, 11]],
  ]);
  assert.deepEqual(await complete('Literal {{§', PATTERN_LANGUAGE_ID), []);
});

test('nothing inside comments or under a key with an inline value', async () => {
  assert.deepEqual(await complete('# trai§'), []);
  assert.deepEqual(await complete('name: demo\n  x§'), []);
});
