// Bad model and data files under a real `ftlab run` (the built CLI and trainer): corrupt or
// truncated weights, wrong configs, a tokenizer that does not belong to the model, data files with
// missing columns, unknown labels, broken rows, missing files. Each run either is refused before
// training (exit 2, file:line:col diagnostics) or records the trial failed with a message naming the
// file and the place (tensor, field or line) — never a crash, never a silent result.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrialRecord } from '../../protocol/results';
import { buildProduct, DEMO_MODEL, REPO } from './lib/builtProduct';
import { cliEnv, experimentYaml, makeWorkspace, type ExperimentOptions, type Workspace } from './lib/experiments';
import { runCli, type Finished } from './lib/processes';
import { readStoreLines, runFolders } from './lib/storeCheck';

const product = buildProduct();
const PRENORM = join(REPO, 'test', 'fixtures', 'reference', 'tiny-opt-prenorm');
const tried: string[] = [];
const messages: string[] = [];

/** A model folder in the workspace: the demo model's files, then the test's changes. */
function modelFolder(ws: Workspace, name: string, from = DEMO_MODEL, files = ['config.json', 'model.safetensors', 'vocab.json', 'merges.txt']): string {
  const dir = join(ws.dir, name);
  mkdirSync(dir);
  for (const f of files) copyFileSync(join(from, f), join(dir, f));
  return dir;
}

async function run(ws: Workspace, options: ExperimentOptions): Promise<{ end: Finished; records: TrialRecord[] }> {
  writeFileSync(ws.experimentPath, experimentYaml({ methods: ['lora'], n: [2], seeds: 1, epochs: 1, evalExamples: 8, ...options }));
  const end = await runCli(product.cli, ['run', ws.experimentPath, '--provider', 'cpu'], { cwd: ws.dir, env: cliEnv(ws) });
  assert.ok(end.signal === null && (end.code === 1 || end.code === 2), `a result, not a crash: code ${end.code} ${end.signal}\n${end.stderr}`);
  // Each run of the workspace is a new run folder (the grid changes with the model); take the newest.
  const newest = end.code === 1 ? runFolders(ws.resultsDir).at(-1) : undefined;
  return { end, records: newest ? readStoreLines(join(ws.resultsDir, newest)).records : [] };
}

/** The run trained nothing: every trial is recorded failed with a message matching `message`. */
async function expectFailedTrial(name: string, ws: Workspace, options: ExperimentOptions, message: RegExp): Promise<void> {
  tried.push(name);
  const { end, records } = await run(ws, options);
  assert.equal(end.code, 1, `${name}: exit 1\n${end.stdout}\n${end.stderr}`);
  assert.ok(records.length > 0, `${name}: the failure is recorded`);
  for (const r of records) {
    assert.equal(r.status, 'failed', name);
    assert.equal(r.error?.kind, 'error', `${name}: ${JSON.stringify(r.error)}`);
    assert.match(r.error!.message, message, name);
  }
  messages.push(`${name}: ${records[0].error!.message}`);
  // The user sees it in the run's output too.
  assert.match(end.stdout, /FAILED error/, name);
}

/** The run is refused before anything starts, with diagnostics at file:line:col. */
async function expectRefused(name: string, ws: Workspace, options: ExperimentOptions, message: RegExp): Promise<void> {
  tried.push(name);
  const { end } = await run(ws, options);
  assert.equal(end.code, 2, `${name}: refused\n${end.stdout}\n${end.stderr}`);
  assert.match(end.stderr, message, name);
  messages.push(`${name}: ${end.stderr.split('\n').find((l) => message.test(l))}`);
}

test('corrupt and truncated weights: the trial fails naming the file and the tensor', async () => {
  const ws = makeWorkspace('bad-weights');
  const truncated = modelFolder(ws, 'truncated');
  const weights = readFileSync(join(DEMO_MODEL, 'model.safetensors'));
  writeFileSync(join(truncated, 'model.safetensors'), weights.subarray(0, weights.length / 2));
  await expectFailedTrial('truncated safetensors', ws, { models: [truncated] }, /truncated\/model\.safetensors.*(truncated|unexpected end).*/);

  const header = modelFolder(ws, 'bad-header');
  const broken = Buffer.from(weights);
  broken.fill(0x7b, 8, 40); // "{{{{…": the JSON header no longer parses
  writeFileSync(join(header, 'model.safetensors'), broken);
  await expectFailedTrial('safetensors header not JSON', ws, { models: [header] }, /bad-header\/model\.safetensors.*header is not valid JSON/);

  const huge = modelFolder(ws, 'huge-header');
  const claim = Buffer.from(weights);
  claim.writeBigUInt64LE(1n << 60n, 0); // a header length of an exabyte
  writeFileSync(join(huge, 'model.safetensors'), claim);
  await expectFailedTrial('safetensors header length absurd', ws, { models: [huge] }, /huge-header\/model\.safetensors.*corrupt or truncated header/);

  const garbage = modelFolder(ws, 'garbage-bin', DEMO_MODEL, ['config.json', 'vocab.json', 'merges.txt']);
  writeFileSync(join(garbage, 'pytorch_model.bin'), Buffer.from('this is not a zip file at all'.repeat(100)));
  await expectFailedTrial('pytorch_model.bin not a zip', ws, { models: [garbage] }, /garbage-bin\/pytorch_model\.bin/);
});

test('wrong configs: refused or failed with the file and the field', async () => {
  const ws = makeWorkspace('bad-config');
  const notJson = modelFolder(ws, 'not-json');
  writeFileSync(join(notJson, 'config.json'), '{ "model_type": "opt", hidden_size: 48');
  await expectFailedTrial('config.json not JSON', ws, { models: [notJson] }, /not-json\/config\.json/);

  const gpt2 = modelFolder(ws, 'gpt2');
  const config = JSON.parse(readFileSync(join(DEMO_MODEL, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(gpt2, 'config.json'), JSON.stringify({ ...config, model_type: 'gpt2' }));
  await expectFailedTrial('model_type gpt2', ws, { models: [gpt2] }, /gpt2\/config\.json.*only OPT models/);

  const negative = modelFolder(ws, 'negative-layers');
  writeFileSync(join(negative, 'config.json'), JSON.stringify({ ...config, num_hidden_layers: -2 }));
  await expectFailedTrial('negative layer count', ws, { models: [negative] }, /negative-layers\/config\.json.*num_hidden_layers/);

  const shapes = modelFolder(ws, 'wrong-shape');
  writeFileSync(join(shapes, 'config.json'), JSON.stringify({ ...config, hidden_size: 64, word_embed_proj_dim: 64, ffn_dim: 256 }));
  await expectFailedTrial('config shape not matching the weights', ws, { models: [shapes] }, /wrong-shape.*model\.safetensors.*(shape|expected)/);

  const noConfig = modelFolder(ws, 'no-config', DEMO_MODEL, ['model.safetensors', 'vocab.json', 'merges.txt']);
  await expectRefused('no config.json', ws, { models: [noConfig] }, /exp\.ftlab\.yaml:2:\d+: error: .*no-config has no config\.json/);
});

test('a tokenizer that does not belong to the model: the trial fails saying both sizes', async () => {
  const ws = makeWorkspace('bad-tokenizer');
  // The reference model has a 512-token vocabulary; give it OPT's 50 265-token tokenizer.
  const mixed = modelFolder(ws, 'mixed', PRENORM, ['config.json', 'model.safetensors']);
  copyFileSync(join(DEMO_MODEL, 'vocab.json'), join(mixed, 'vocab.json'));
  copyFileSync(join(DEMO_MODEL, 'merges.txt'), join(mixed, 'merges.txt'));
  await expectFailedTrial('tokenizer larger than the vocabulary', ws, { models: [mixed], maxLength: 32 }, /the tokenizer has 50265 tokens but the model's vocabulary has 512/);

  const noTokenizer = modelFolder(ws, 'no-tokenizer', DEMO_MODEL, ['config.json', 'model.safetensors']);
  await expectFailedTrial('no tokenizer files', ws, { models: [noTokenizer] }, /no-tokenizer.*(tokenizer|vocab\.json)/);
});

test('data files with missing columns, unknown labels, broken rows or no file: the place is named', async () => {
  const ws = makeWorkspace('bad-data');
  const good = ['{"text": "a fine movie", "label": "pos"}', '{"text": "a dull movie", "label": "neg"}'];
  writeFileSync(join(ws.dir, 'eval.jsonl'), `${[...good, ...good].join('\n')}\n`);
  const withTrain = (train: string): ExperimentOptions => ({
    tasks: ['reviews'],
    patterns: 'patterns:\n  reviews: { pattern: "{text} ?", verbalizers: { neg: " No", pos: " Yes" } }',
    extra: ['data:', '  custom:', '    reviews:', `      train: ${train}`, '      eval: eval.jsonl', '      fields: [text]', '      labels: [neg, pos]'].join('\n'),
  });

  writeFileSync(join(ws.dir, 'missing-column.jsonl'), `${good.join('\n')}\n{"txt": "typo in the column", "label": "pos"}\n${good.join('\n')}\n`);
  await expectFailedTrial('missing column', ws, withTrain('missing-column.jsonl'), /missing-column\.jsonl:3: missing column "text"/);

  writeFileSync(join(ws.dir, 'unknown-label.jsonl'), `${good.join('\n')}\n${good.join('\n')}\n{"text": "so-so", "label": "meh"}\n`);
  await expectFailedTrial('unknown label', ws, withTrain('unknown-label.jsonl'), /unknown-label\.jsonl:5: unknown label "meh"; expected one of "neg", "pos"/);

  writeFileSync(join(ws.dir, 'broken.jsonl'), `${good.join('\n')}\n{"text": "cut off\n`);
  await expectFailedTrial('broken JSON line', ws, withTrain('broken.jsonl'), /broken\.jsonl:3: not valid JSON/);

  writeFileSync(join(ws.dir, 'columns.csv'), 'text,label\n"a fine movie",pos\n"a dull movie",neg,extra\n');
  await expectFailedTrial('CSV row with an extra column', ws, withTrain('columns.csv'), /columns\.csv:3: expected 2 columns as in the header, found 3/);

  await expectRefused('missing data file', ws, withTrain('nowhere.jsonl'), /exp\.ftlab\.yaml:\d+:\d+: error: .*nowhere\.jsonl does not exist/);
});

test.after(() => {
  console.log(`bad model and data inputs tried through ftlab run: ${tried.length}\n${messages.join('\n')}`);
});
