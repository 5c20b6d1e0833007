// A small nyu-mll/glue dataset repo for the fake Hub: the Hub's parquet layout and file names
// (server/core/data/hubTasks.ts), written by the fixtures' parquet writer from real rows of the
// shipped files: CoLA in_domain_train, the MNLI train pool (text labels turned into GLUE's 0 e / 1 n /
// 2 c) and MNLI matched dev. Besides the files the tasks read, the repo holds files that must never
// be fetched (CoLA's mixed validation split, mismatched dev, the card).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeParquet } from '../../fixtures/data/parquetWriter';
import type { FakeRepo } from '../hub/fakeHub';

export const DATA_ROOT = join(__dirname, '../../../data');
export const GLUE_SHA = 'c'.repeat(40);

export const COLA_TRAIN_ROWS = 60;
export const MNLI_TRAIN_ROWS = 240;
export const MNLI_DEV_ROWS = 40;

const GLUE_MNLI_NAMES = ['entailment', 'neutral', 'contradiction'];

export interface ColaRow {
  sentence: string;
  label: number;
}
export interface MnliRow {
  premise: string;
  hypothesis: string;
  label: number;
}

export function colaTrainRows(): ColaRow[] {
  return readFileSync(join(DATA_ROOT, 'cola', 'in_domain_train.tsv'), 'utf8')
    .split('\n')
    .slice(0, COLA_TRAIN_ROWS)
    .map((line) => line.split('\t'))
    .map((c) => ({ sentence: c[3], label: Number(c[1]) }));
}

export function mnliTrainRows(): MnliRow[] {
  const pool = JSON.parse(readFileSync(join(DATA_ROOT, 'mnli', 'train_pool', 'pcp_train.json'), 'utf8')) as Record<string, { text_a: string; text_b: string; label: string }>;
  return Array.from({ length: MNLI_TRAIN_ROWS }, (_, i) => pool[String(i)]).map((r) => ({
    premise: r.text_a,
    hypothesis: r.text_b,
    label: GLUE_MNLI_NAMES.indexOf(r.label),
  }));
}

export function mnliDevRows(): MnliRow[] {
  return readFileSync(join(DATA_ROOT, 'mnli', 'dev_matched.jsonl'), 'utf8')
    .split('\n')
    .slice(0, MNLI_DEV_ROWS)
    .map((line) => JSON.parse(line) as MnliRow);
}

function classLabelMetadata(textColumns: string[], names: string[]): Record<string, string> {
  const features: Record<string, unknown> = {};
  for (const c of textColumns) features[c] = { dtype: 'string', _type: 'Value' };
  features.label = { names, _type: 'ClassLabel' };
  features.idx = { dtype: 'int32', _type: 'Value' };
  return { huggingface: JSON.stringify({ info: { features } }) };
}

export function colaParquet(rows: ColaRow[], names = ['unacceptable', 'acceptable']): Uint8Array {
  return writeParquet(
    [
      { name: 'sentence', type: 'string', optional: true, values: rows.map((r) => r.sentence) },
      { name: 'label', type: 'int64', optional: true, values: rows.map((r) => r.label) },
      { name: 'idx', type: 'int32', optional: true, values: rows.map((_, i) => i) },
    ],
    { codec: 'snappy', keyValueMetadata: classLabelMetadata(['sentence'], names) },
  );
}

export function mnliParquet(rows: MnliRow[]): Uint8Array {
  return writeParquet(
    [
      { name: 'premise', type: 'string', optional: true, dictionary: true, values: rows.map((r) => r.premise) },
      { name: 'hypothesis', type: 'string', optional: true, values: rows.map((r) => r.hypothesis) },
      { name: 'label', type: 'int64', optional: true, values: rows.map((r) => r.label) },
      { name: 'idx', type: 'int32', optional: true, values: rows.map((_, i) => i) },
    ],
    { codec: 'snappy', keyValueMetadata: classLabelMetadata(['premise', 'hypothesis'], GLUE_MNLI_NAMES) },
  );
}

export function glueRepo(): FakeRepo {
  const mnliDev = mnliParquet(mnliDevRows());
  return {
    sha: GLUE_SHA,
    files: new Map([
      ['README.md', new TextEncoder().encode('# GLUE')],
      ['cola/train-00000-of-00001.parquet', colaParquet(colaTrainRows())],
      ['cola/validation-00000-of-00001.parquet', colaParquet(colaTrainRows().slice(0, 5))],
      ['mnli/train-00000-of-00001.parquet', mnliParquet(mnliTrainRows())],
      ['mnli/validation_matched-00000-of-00001.parquet', mnliDev],
      ['mnli/validation_mismatched-00000-of-00001.parquet', mnliDev],
    ]),
  };
}
