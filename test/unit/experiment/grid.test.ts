// Grid expansion, trial keys and shards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ExperimentSpec } from '../../../protocol/experiment';
import { parseExperiment } from '../../../server/core/experiment/parse';
import { expandGrid, iclFormatFor, trialKey, type Trial } from '../../../server/core/experiment/grid';
import { parseShard, shardTrials } from '../../../server/core/experiment/shard';

function specOf(text: string, filePath?: string): ExperimentSpec {
  const { spec, diagnostics } = parseExperiment(text, { filePath, env: { isFile: () => true, isDirectory: () => true } });
  assert.ok(spec, diagnostics.map((d) => d.message).join('\n'));
  return spec;
}

const paper = () => specOf('name: paper\n');
const keyOf = (spec: ExperimentSpec, method: Trial['config']['method']) =>
  trialKey(spec, { model: 'facebook/opt-125m', task: 'cola', method, n: 16, dataSeed: 3, modelSeed: 3 });

test('the paper grid: 1,200 trials with distinct keys, in model × task × method × n × seed order', () => {
  const trials = expandGrid(paper());
  assert.equal(trials.length, 1200);
  assert.equal(new Set(trials.map((t) => t.key)).size, 1200);
  assert.deepEqual(trials[0].config, { model: 'facebook/opt-125m', task: 'cola', method: 'vanilla', n: 2, dataSeed: 0, modelSeed: 0 });
  assert.deepEqual(trials[1].config.dataSeed, 1);
  assert.deepEqual(trials[10].config.n, 16);
  assert.deepEqual(trials[1199].config, { model: 'facebook/opt-350m', task: 'mnli', method: 'icl', n: 128, dataSeed: 9, modelSeed: 9 });
});

test('keys are pinned: a change here silently orphans every stored result, so bump KEY_VERSION instead', () => {
  assert.equal(expandGrid(paper())[0].key, 'facebook/opt-125m|cola|vanilla|2|0|0|5897a198');
});

test('keys do not depend on how the file is written (order, comments, flow vs block, defaults spelled out)', () => {
  const a = specOf('tasks: [cola]\ntraining: { lr: 2.0e-5, epochs: 40 }\n');
  const b = specOf('# comment\ntraining:\n  epochs: 40   # the default anyway\n  lr: 0.00002\ntasks:\n  - cola\nevaluation: { maxExamples: all }\n');
  assert.deepEqual(expandGrid(a).map((t) => t.key), expandGrid(b).map((t) => t.key));
});

test('settings that change a result change the key of the trials they affect, and only those', () => {
  const base = paper();
  const lr = specOf('training: { lr: 2.0e-5 }\n');
  assert.notEqual(keyOf(lr, 'vanilla'), keyOf(base, 'vanilla'));
  assert.equal(keyOf(lr, 'icl'), keyOf(base, 'icl'), 'ICL does not train');
  const lora = specOf('methods:\n  vanilla:\n  pbft:\n  adaptive:\n  lora: { r: 16 }\n  distill:\n  icl:\n');
  assert.notEqual(keyOf(lora, 'lora'), keyOf(base, 'lora'));
  assert.equal(keyOf(lora, 'pbft'), keyOf(base, 'pbft'));
  const pattern = specOf('patterns:\n  cola: { pattern: "{sentence} Grammatical?" }\n');
  assert.notEqual(keyOf(pattern, 'pbft'), keyOf(base, 'pbft'));
  assert.equal(keyOf(pattern, 'vanilla'), keyOf(base, 'vanilla'), 'vanilla reads no pattern');
  const format = specOf('methods:\n  icl: { format: gpt-3 }\n');
  assert.notEqual(trialKey(format, { model: 'facebook/opt-125m', task: 'cola', method: 'icl', n: 16, dataSeed: 3, modelSeed: 3 }), keyOf(base, 'icl'));
  const flaw = specOf('data:\n  cola: { inDomainEval: glue-validation }\n');
  assert.notEqual(keyOf(flaw, 'vanilla'), keyOf(base, 'vanilla'));
});

test('settings that cannot change a result keep the key (micro-batching, memory, provider, threads, eval batch)', () => {
  const base = paper();
  const other = specOf('training: { microBatchSize: 4, memoryBudgetMB: 2048 }\nevaluation: { batchSize: 8 }\nprovider: cpu\nthreads: 2\nname: renamed\n');
  assert.deepEqual(expandGrid(other).map((t) => t.key), expandGrid(base).map((t) => t.key));
});

test('custom-task keys hold no absolute paths, so shards in different checkouts agree', () => {
  const file = (dir: string) =>
    specOf(
      'tasks: [t]\nmethods: [vanilla]\ndata:\n  custom:\n    t: { train: data/a.jsonl, eval: data/b.jsonl, fields: [x], labels: [p, q] }\n',
      `${dir}/exp.ftlab.yaml`,
    );
  const keys = (dir: string) => expandGrid(file(dir)).map((t) => t.key);
  assert.deepEqual(keys('/home/alice/proj'), keys('/scratch/job42/proj'));
});

test('a model name with | still gives a key that splits into its parts', () => {
  const spec = specOf('models: ["./odd|name"]\ntasks: [cola]\nmethods: [vanilla]\nn: 2\nseeds: 1\n', '/tmp/x.ftlab.yaml');
  const [trial] = expandGrid(spec);
  assert.equal(trial.key.split('|').length, 7);
  assert.ok(trial.key.startsWith('./odd%7Cname|cola|vanilla|2|0|0|'));
});

test('ICL formats: the study formats from the data layer, or the task pattern', () => {
  assert.equal(iclFormatFor(specOf('methods:\n  icl: { format: gpt-3 }\n'), 'mnli')?.targetPrefix, ' answer: ');
  const own = iclFormatFor(specOf('patterns:\n  cola: { pattern: "{sentence} ok?" }\n'), 'cola');
  assert.deepEqual(own, { pattern: '{sentence} ok?', targetPrefix: '', verbalizers: { unacceptable: ' No', acceptable: ' Yes' }, separator: ' ' });
});

test('shards partition the grid exactly, evenly, deterministically', () => {
  const trials = expandGrid(paper());
  for (const count of [1, 2, 3, 7, 8, 1200, 1500]) {
    const parts = Array.from({ length: count }, (_, index) => shardTrials(trials, { index, count }));
    const all = parts.flatMap((p) => p.map((t) => t.key));
    assert.equal(all.length, trials.length, `${count} shards: no trial twice`);
    assert.deepEqual(new Set(all), new Set(trials.map((t) => t.key)), `${count} shards: none lost`);
    const sizes = parts.map((p) => p.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${count} shards: sizes ${Math.min(...sizes)}..${Math.max(...sizes)}`);
    assert.deepEqual(shardTrials(trials, { index: 0, count }), parts[0], 'same answer twice');
  }
  // Independent of the order trials come in: shards are defined on the sorted keys.
  const shuffled = [...trials].reverse();
  assert.deepEqual(
    shardTrials(shuffled, { index: 1, count: 3 }).map((t) => t.key).sort(),
    shardTrials(trials, { index: 1, count: 3 }).map((t) => t.key).sort(),
  );
});

test('shards mix methods and models (round-robin over sorted keys)', () => {
  const part = shardTrials(expandGrid(paper()), { index: 0, count: 4 });
  assert.equal(new Set(part.map((t) => t.config.method)).size, 6);
  assert.equal(new Set(part.map((t) => t.config.model)).size, 2);
});

test('property: any grid and shard count partition exactly', () => {
  fc.assert(
    fc.property(fc.array(fc.string(), { maxLength: 60 }), fc.integer({ min: 1, max: 12 }), (keys, count) => {
      const trials = [...new Set(keys)].map((key) => ({ key, config: {} as Trial['config'] }));
      const seen = Array.from({ length: count }, (_, index) => shardTrials(trials, { index, count })).flat();
      return seen.length === trials.length && new Set(seen.map((t) => t.key)).size === trials.length;
    }),
  );
});

test('--shard i/N parsing', () => {
  assert.deepEqual(parseShard('0/4'), { index: 0, count: 4 });
  assert.deepEqual(parseShard(' 3 / 4 '), { index: 3, count: 4 });
  for (const bad of ['4/4', '1/0', '-1/4', '1', 'a/b', '1/2/3', '']) assert.throws(() => parseShard(bad), /shard/);
});
