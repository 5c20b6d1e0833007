// The shipped data read through the task registry; expected counts come from data/SOURCES.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countLabels } from '../../../server/core/data/example';
import { BUILTIN_TASK_NAMES, TASKS, loadTask } from '../../../server/core/data/tasks';
import { findDataRoot } from '../../../server/core/data/dataRoot';
import { DATA_ROOT, REPO_ROOT } from './paths';
import { join } from 'node:path';
import { DataError } from '../../../server/core/data/dataError';

test('cola: raw files, in-domain dev and OOD dev kept apart', async () => {
  const cola = await loadTask('cola', { dataRoot: DATA_ROOT });
  assert.deepEqual(cola.labelNames, ['unacceptable', 'acceptable']);
  assert.deepEqual(cola.fieldNames, ['sentence']);
  // SOURCES.md: train 6,023 acceptable / 2,528 unacceptable; dev 365/162; OOD 354/162.
  assert.deepEqual(countLabels(cola.train, 2), [2528, 6023]);
  const [inDomain, ood] = cola.evals;
  assert.equal(inDomain.name, 'cola-in-domain-dev');
  assert.equal(inDomain.role, 'in-domain');
  assert.deepEqual(countLabels(inDomain.examples, 2), [162, 365]);
  assert.equal(ood.name, 'cola-ood-dev');
  assert.equal(ood.role, 'ood');
  assert.deepEqual(countLabels(ood.examples, 2), [162, 354]);
  assert.equal(cola.train[0].fields.sentence, "Our friends won't buy this analysis, let alone the next one we propose.");
  assert.equal(cola.train[0].label, 1);
});

test('mnli (binary): neutral removed, entailment 0, contradiction 1; HANS lexical overlap by default', async () => {
  const mnli = await loadTask('mnli', { dataRoot: DATA_ROOT });
  assert.deepEqual(mnli.labelNames, ['entailment', 'contradiction']);
  // Pool: 3,061 e / 2,980 n / 2,958 c; matched dev: 3,479 e / 3,123 n / 3,213 c.
  assert.deepEqual(countLabels(mnli.train, 2), [3061, 2958]);
  const [dev, hans] = mnli.evals;
  assert.equal(dev.name, 'mnli-matched-dev');
  assert.deepEqual(countLabels(dev.examples, 2), [3479, 3213]);
  // dev_matched line 2: label 2 (contradiction) → binary 1. Line 1 is neutral and dropped.
  assert.equal(dev.examples[0].fields.premise, 'This site includes a list of all award winners and a searchable database of Government Executive articles.');
  assert.equal(dev.examples[0].label, 1);
  assert.equal(hans.name, 'hans-lexical-overlap');
  assert.equal(hans.role, 'ood');
  assert.deepEqual(countLabels(hans.examples, 2), [500, 500]);
  assert.equal(hans.predictionMap, undefined);
  // First data row: non-entailment → 1 (contradiction).
  assert.deepEqual(hans.examples[0], { fields: { premise: 'The president advised the doctor .', hypothesis: 'The doctor advised the president .' }, label: 1 });
});

test('mnli-3way: GLUE label order; HANS all heuristics scored with neutral|contradiction = non-entailment', async () => {
  const mnli = await loadTask('mnli-3way', { dataRoot: DATA_ROOT, hans: 'all' });
  assert.deepEqual(mnli.labelNames, ['entailment', 'neutral', 'contradiction']);
  assert.deepEqual(countLabels(mnli.train, 3), [3061, 2980, 2958]);
  assert.deepEqual(countLabels(mnli.evals[0].examples, 3), [3479, 3123, 3213]);
  const hans = mnli.evals[1];
  assert.equal(hans.name, 'hans');
  assert.deepEqual(hans.labelNames, ['entailment', 'non-entailment']);
  assert.deepEqual(hans.predictionMap, [0, 1, 1]);
  assert.deepEqual(countLabels(hans.examples, 2), [1500, 1500]);
});

test('TASKS describes what loadTask produces without reading files', async () => {
  for (const name of BUILTIN_TASK_NAMES) {
    const info = TASKS[name];
    const data = await loadTask(name, { dataRoot: DATA_ROOT });
    assert.deepEqual(data.fieldNames, info.fieldNames, name);
    assert.deepEqual(data.labelNames, info.labelNames, name);
    assert.deepEqual(data.evals.map((e) => ({ name: e.name, role: e.role })), info.evalSets, name);
    for (const split of data.evals) assert.ok(split.examples.length > 0);
  }
});

test('a missing data folder is an error naming the file', async () => {
  await assert.rejects(loadTask('cola', { dataRoot: join(REPO_ROOT, 'no-such-folder') }), (err: unknown) => {
    return err instanceof DataError && err.file.endsWith(join('cola', 'in_domain_train.tsv')) && /file not found/.test(err.message);
  });
});

test('findDataRoot walks up to the shipped data folder', () => {
  assert.equal(findDataRoot(join(REPO_ROOT, 'test', 'unit', 'data')), DATA_ROOT);
  assert.equal(findDataRoot('/'), undefined);
});
