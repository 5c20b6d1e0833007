// Defaults are the study's; the spec is complete; both shipped examples validate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { METHOD_IDS } from '../../../protocol/results';
import { loadExperimentFile, parseExperiment } from '../../../server/core/experiment/parse';
import { expandGrid } from '../../../server/core/experiment/grid';
import { Code } from '../../../server/core/experiment/codes';

test("a file that sets only the grid's axes gets the study's training settings", () => {
  const { spec, diagnostics } = parseExperiment('models: [facebook/opt-125m]\n', { filePath: '/x/my-study.ftlab.yaml' });
  assert.deepEqual(diagnostics, []);
  assert.ok(spec);
  assert.equal(spec.name, 'my-study', 'named after the file');
  assert.deepEqual(spec.tasks, ['cola', 'mnli']);
  assert.deepEqual(spec.methods, [...METHOD_IDS]);
  assert.deepEqual(spec.n, [2, 16, 32, 64, 128]);
  assert.equal(spec.seeds.length, 10);
  assert.deepEqual(spec.training, {
    epochs: 40,
    batchSize: 32,
    microBatchSize: 'auto',
    memoryBudgetMB: 'auto',
    lr: 1e-5,
    weightDecay: 0,
    warmupRatio: 0.1,
    schedule: 'linear',
    adamBeta1: 0.9,
    adamBeta2: 0.999,
    adamEpsilon: 1e-8,
    maxLength: 128,
  });
  assert.deepEqual(spec.data.cola, { inDomainEval: 'in-domain-dev' });
  assert.deepEqual(spec.data.mnli, { hans: 'lexical_overlap' });
  assert.equal(spec.provider, undefined, 'unset: the setting or CLI flag decides');
});

test('without models the defaults are OPT-125m and OPT-350m from the Hub', () => {
  const { spec } = parseExperiment('tasks: [cola]\n');
  assert.deepEqual(spec?.models, [
    { name: 'facebook/opt-125m', source: 'hub', location: 'facebook/opt-125m' },
    { name: 'facebook/opt-350m', source: 'hub', location: 'facebook/opt-350m' },
  ]);
});

test('default patterns are llmft minimal ones with verbalizers keyed by label name', () => {
  const { spec } = parseExperiment('tasks: [cola, mnli, mnli-3way]\n');
  assert.deepEqual(spec?.patterns.cola, { pattern: '{sentence} ?', verbalizers: { unacceptable: ' No', acceptable: ' Yes' }, separator: ' ' });
  assert.deepEqual(spec?.patterns.mnli, { pattern: '{premise} {hypothesis} ?', verbalizers: { entailment: ' Yes', contradiction: ' No' }, separator: '\n\n' });
  assert.deepEqual(Object.keys(spec?.patterns['mnli-3way'].verbalizers ?? {}), ['entailment', 'neutral', 'contradiction']);
});

test('seeds: a count, a list, or explicit pairs', () => {
  const seeds = (s: string) => parseExperiment(`seeds: ${s}\n`).spec?.seeds;
  assert.deepEqual(seeds('3'), [
    { dataSeed: 0, modelSeed: 0 },
    { dataSeed: 1, modelSeed: 1 },
    { dataSeed: 2, modelSeed: 2 },
  ]);
  assert.deepEqual(seeds('[13, 42]'), [
    { dataSeed: 13, modelSeed: 13 },
    { dataSeed: 42, modelSeed: 42 },
  ]);
  assert.deepEqual(seeds('[{data: 5, model: 0}, 7]'), [
    { dataSeed: 5, modelSeed: 0 },
    { dataSeed: 7, modelSeed: 7 },
  ]);
});

test('n may be a single number', () => {
  assert.deepEqual(parseExperiment('n: 16\n').spec?.n, [16]);
});

test('a custom task becomes the shape the data layer loads, with absolute paths', () => {
  const text = [
    'tasks: [rev]',
    'methods: [vanilla]',
    'data:',
    '  custom:',
    '    rev:',
    '      train: /data/train.csv',
    '      eval: /data/dev.csv',
    '      ood: /data/ood.parquet',
    '      fields: { text: review_body }',
    '      labelField: stars',
    '      labels: [1, 2]',
    '      labelValues: names',
    '',
  ].join('\n');
  const { spec, diagnostics } = parseExperiment(text, { env: { isFile: () => true } });
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(spec?.data.custom.rev, {
    name: 'rev',
    train: { path: '/data/train.csv' },
    evals: [
      { name: 'rev-in-domain', role: 'in-domain', path: '/data/dev.csv' },
      { name: 'rev-ood', role: 'ood', path: '/data/ood.parquet' },
    ],
    fields: { text: 'review_body' },
    labelField: 'stars',
    labels: ['1', '2'],
    labelValues: 'names',
  });
});

test('examples/paper.ftlab.yaml validates cleanly and is the full 1,200-trial study', () => {
  const { spec, diagnostics } = loadExperimentFile('examples/paper.ftlab.yaml');
  assert.deepEqual(diagnostics, []);
  assert.ok(spec);
  assert.deepEqual(spec.models.map((m) => m.name), ['facebook/opt-125m', 'facebook/opt-350m']);
  assert.deepEqual(spec.tasks, ['cola', 'mnli']);
  assert.deepEqual(spec.methods, [...METHOD_IDS]);
  assert.deepEqual(spec.n, [2, 16, 32, 64, 128]);
  assert.equal(spec.seeds.length, 10);
  assert.equal(expandGrid(spec).length, 2 * 2 * 6 * 5 * 10);
  // Everything the paper file writes out is also the default: an almost empty file means the same.
  const bare = parseExperiment('name: paper\ndescription: x\n').spec;
  assert.deepEqual({ ...spec, description: 'x', baseDir: undefined }, { ...bare, baseDir: undefined });
});

test('examples/demo.ftlab.yaml validates (its model folder once it ships) and is a small grid', () => {
  const modelShipped = existsSync(resolve('models/tiny-opt-demo/config.json'));
  const { spec, diagnostics } = loadExperimentFile('examples/demo.ftlab.yaml', modelShipped ? {} : { env: { isDirectory: () => true, isFile: () => true } });
  assert.deepEqual(diagnostics.map((d) => d.code), []);
  assert.ok(spec);
  assert.equal(spec.models[0].source, 'local');
  assert.equal(spec.models[0].location, resolve('models/tiny-opt-demo'));
  assert.deepEqual(spec.methods, [...METHOD_IDS]);
  assert.ok(spec.n.length >= 2 && spec.n.length <= 3);
  assert.ok(spec.seeds.length >= 2 && spec.seeds.length <= 3);
  assert.equal(spec.training.maxLength, 64);
  assert.equal(expandGrid(spec).length, 1 * 1 * 6 * spec.n.length * spec.seeds.length);
  if (!modelShipped) {
    // Until models/tiny-opt-demo ships, the real check reports exactly that and nothing else.
    const real = loadExperimentFile('examples/demo.ftlab.yaml');
    assert.deepEqual(real.diagnostics.map((d) => d.code), [Code.modelFolderNotFound]);
  }
});
