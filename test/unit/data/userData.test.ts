import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { DataError } from '../../../server/core/data/dataError';
import { readUserData } from '../../../server/core/data/userData';
import { loadCustomTask } from '../../../server/core/data/tasks';
import { FIXTURES } from './paths';

const dir = mkdtempSync(join(tmpdir(), 'ftlab-userdata-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** Asserts a DataError naming this file and line, whose message matches. */
const rejectsAt = (fn: () => unknown, path: string, line: number | undefined, message: RegExp): void => {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DataError, `expected DataError, got ${String(err)}`);
    assert.equal(err.file, path);
    assert.equal(err.line, line);
    assert.match(err.message, message);
    assert.ok(err.message.startsWith(line === undefined ? `${path}: ` : `${path}:${line}: `));
    return true;
  });
};

const mapping = { fields: { premise: 'sentence1', hypothesis: 'sentence2' }, labelField: 'gold', labels: ['yes', 'no'] };

test('CSV with a field mapping: renamed fields, quoted text with commas, quotes and line breaks', () => {
  const path = file('pairs.csv', '\uFEFFsentence1,sentence2,gold\r\n"A, B","He said ""go""",yes\r\n"two\nlines",x,no\r\n');
  assert.deepEqual(readUserData(path, mapping), [
    { fields: { premise: 'A, B', hypothesis: 'He said "go"' }, label: 0 },
    { fields: { premise: 'two\nlines', hypothesis: 'x' }, label: 1 },
  ]);
});

test('JSONL with a field list and numeric label values matched as text', () => {
  const path = file('reviews.jsonl', '{"text": "good", "y": 1}\n\n{"text": "bad", "y": 0, "extra": true}\n');
  assert.deepEqual(readUserData(path, { fields: ['text'], labelField: 'y', labels: ['0', '1'] }), [
    { fields: { text: 'good' }, label: 1 },
    { fields: { text: 'bad' }, label: 0 },
  ]);
});

test('labelValues "indices" reads integer labels as positions in the list', () => {
  const path = file('idx.jsonl', '{"text": "a", "label": 2}\n{"text": "b", "label": 0}\n');
  const labels = ['neg', 'neutral', 'pos'];
  assert.deepEqual(readUserData(path, { fields: ['text'], labelField: 'label', labels, labelValues: 'indices' }).map((e) => e.label), [2, 0]);
  // Without it, 2 is not a label name; the message suggests the option.
  rejectsAt(() => readUserData(path, { fields: ['text'], labelField: 'label', labels }), path, 1, /unknown label 2.*labelValues: indices/);
  const bad = file('idx-bad.jsonl', '{"text": "a", "label": 3}\n');
  rejectsAt(() => readUserData(bad, { fields: ['text'], labelField: 'label', labels, labelValues: 'indices' }), bad, 1, /not an index into the 3 labels/);
});

test('errors name the file and the line: unknown label, missing column, bad JSON, wrong column count', () => {
  const unknown = file('unknown.csv', 'sentence1,sentence2,gold\na,b,yes\n"multi\nline",b,maybe\n');
  rejectsAt(() => readUserData(unknown, mapping), unknown, 3, /unknown label "maybe"; expected one of "yes", "no"/);

  const missingHeader = file('missing.csv', 'sentence1,label\na,yes\n');
  rejectsAt(() => readUserData(missingHeader, mapping), missingHeader, 1, /missing columns "sentence2", "gold"; the header has "sentence1", "label"/);

  const missingJson = file('missing.jsonl', '{"sentence1": "a", "sentence2": "b", "gold": "no"}\n{"sentence1": "a", "gold": "no"}\n');
  rejectsAt(() => readUserData(missingJson, mapping), missingJson, 2, /missing column "sentence2" \(field "hypothesis"\)/);

  const noLabel = file('nolabel.jsonl', '{"sentence1": "a", "sentence2": "b"}\n');
  rejectsAt(() => readUserData(noLabel, mapping), noLabel, 1, /missing label column "gold"/);

  const badJson = file('bad.jsonl', '{"sentence1": "a", "sentence2": "b", "gold": "no"}\n{oops\n');
  rejectsAt(() => readUserData(badJson, mapping), badJson, 2, /not valid JSON/);

  const ragged = file('ragged.csv', 'sentence1,sentence2,gold\na,b\n');
  rejectsAt(() => readUserData(ragged, mapping), ragged, 2, /expected 3 columns as in the header, found 2/);

  const quote = file('quote.csv', 'sentence1,sentence2,gold\n"never closed,b,yes\n');
  rejectsAt(() => readUserData(quote, mapping), quote, 2, /column 1: unterminated quoted field/);

  const nested = file('nested.jsonl', '{"sentence1": ["a"], "sentence2": "b", "gold": "no"}\n');
  rejectsAt(() => readUserData(nested, mapping), nested, 1, /holds a list, expected text/);

  const absent = join(dir, 'absent.csv');
  rejectsAt(() => readUserData(absent, mapping), absent, undefined, /file not found/);
  const txt = file('data.txt', 'x');
  rejectsAt(() => readUserData(txt, mapping), txt, undefined, /unknown data format/);
});

test('TSV by extension', () => {
  const path = file('pairs.tsv', 'sentence1\tsentence2\tgold\nx, y\tz\tno\n');
  assert.deepEqual(readUserData(path, mapping), [{ fields: { premise: 'x, y', hypothesis: 'z' }, label: 1 }]);
});

test('loadCustomTask: relative paths against the experiment folder, eval sets with roles, parquet too', async () => {
  file('train.csv', 'review,sentiment\nnice,positive\nawful,negative\n');
  file('ood.jsonl', '{"review": "meh", "sentiment": "negative"}\n');
  const task = await loadCustomTask(
    {
      name: 'reviews',
      fields: ['review'],
      labelField: 'sentiment',
      labels: ['negative', 'positive'],
      train: { path: 'train.csv' },
      evals: [
        { name: 'reviews-dev', role: 'in-domain', path: join(FIXTURES, 'custom-text-labels.parquet') },
        { name: 'reviews-ood', role: 'ood', path: 'ood.jsonl' },
      ],
    },
    { baseDir: dir },
  );
  assert.equal(task.name, 'reviews');
  assert.deepEqual(task.fieldNames, ['review']);
  assert.deepEqual(task.train, [
    { fields: { review: 'nice' }, label: 1 },
    { fields: { review: 'awful' }, label: 0 },
  ]);
  assert.equal(task.trainSource, join(dir, 'train.csv'));
  assert.deepEqual(task.evals.map((e) => [e.name, e.role, e.examples.length]), [
    ['reviews-dev', 'in-domain', 4],
    ['reviews-ood', 'ood', 1],
  ]);
  assert.deepEqual(task.evals[0].examples.map((e) => e.label), [1, 0, 1, 0]);
});
