import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readColaTsv } from '../../../server/core/data/cola';
import { DataError } from '../../../server/core/data/dataError';
import { readMnliJsonl } from '../../../server/core/data/mnli';
import {
  glueColaParquetMapping,
  glueMnliParquetMapping,
  namedLabels,
  readParquetClassLabelNames,
  readParquetExamples,
} from '../../../server/core/data/parquet';
import { makeFixtures } from '../../fixtures/data/makeParquetFixtures';
import { DATA_ROOT, FIXTURES } from './paths';

const COLA = join(FIXTURES, 'glue-cola-sample.parquet');
const MNLI = join(FIXTURES, 'glue-mnli-sample.parquet');
const CUSTOM = join(FIXTURES, 'custom-text-labels.parquet');

test('GLUE CoLA parquet: same examples as the raw TSV rows it holds; the unlabeled row is dropped', async () => {
  const fromParquet = await readParquetExamples(COLA, glueColaParquetMapping());
  const fromTsv = readColaTsv(join(DATA_ROOT, 'cola', 'in_domain_dev.tsv')).slice(0, 8);
  assert.deepEqual(fromParquet, fromTsv);
  assert.deepEqual(await readParquetClassLabelNames(COLA), ['unacceptable', 'acceptable']);
});

test('GLUE MNLI parquet (dictionary-encoded text, int64 labels): binary and three-way mappings', async () => {
  for (const mode of ['binary', 'three-way'] as const) {
    const fromParquet = await readParquetExamples(MNLI, glueMnliParquetMapping(mode));
    const fromJsonl = readMnliJsonl(join(DATA_ROOT, 'mnli', 'dev_matched.jsonl'), mode).slice(0, fromParquet.length);
    assert.deepEqual(fromParquet, fromJsonl, mode);
  }
  // 9 rows: labels 1,2,0,2,2,2,2,1,2 → binary drops the two neutrals.
  assert.equal((await readParquetExamples(MNLI, glueMnliParquetMapping('binary'))).length, 7);
  assert.equal((await readParquetExamples(MNLI, glueMnliParquetMapping('three-way'))).length, 9);
  assert.deepEqual(await readParquetClassLabelNames(MNLI), ['entailment', 'neutral', 'contradiction']);
});

test('text labels by name; files without Hub metadata have no class names', async () => {
  const examples = await readParquetExamples(CUSTOM, { fields: { text: 'review' }, labelColumn: 'sentiment', mapLabel: namedLabels(['negative', 'positive']) });
  assert.deepEqual(examples[0], { fields: { text: 'great movie' }, label: 1 });
  assert.equal(await readParquetClassLabelNames(CUSTOM), undefined);
});

test('errors name the file: missing column, unknown label, not parquet, absent file', async () => {
  await assert.rejects(readParquetExamples(COLA, { fields: { sentence: 'text' }, labelColumn: 'label', mapLabel: () => 0 }), (err: unknown) => {
    return err instanceof DataError && err.file === COLA && /missing column "text"; the file has "sentence", "label", "idx"/.test(err.message);
  });
  await assert.rejects(readParquetExamples(CUSTOM, { fields: { text: 'review' }, labelColumn: 'sentiment', mapLabel: namedLabels(['positive']) }), (err: unknown) => {
    return err instanceof DataError && /row 1: unknown label negative in column "sentiment"/.test(err.message);
  });
  const notParquet = join(DATA_ROOT, 'hans', 'LICENSE.hans-repo.md');
  await assert.rejects(readParquetExamples(notParquet, glueColaParquetMapping()), (err: unknown) => err instanceof DataError && err.file === notParquet && /not a readable parquet file/.test(err.message));
  await assert.rejects(readParquetExamples(join(FIXTURES, 'absent.parquet'), glueColaParquetMapping()), /file not found/);
});

test('the committed fixtures are exactly what the documented generator writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftlab-parquet-'));
  try {
    for (const written of makeFixtures(dir)) {
      const name = written.slice(dir.length + 1);
      assert.ok(readFileSync(written).equals(readFileSync(join(FIXTURES, name))), `${name} differs from its generator's output`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
