// MNLI (Williams et al. 2018): the train pool and the matched dev set shipped under data/mnli/.
//
// Label spaces:
//   three-way — GLUE's order: 0 entailment, 1 neutral, 2 contradiction.
//   binary    — the study's default (Mosbach et al. 2023, following their llmft code): neutral
//               examples are removed, entailment stays 0 and contradiction becomes 1.
//
// Files (data/SOURCES.md §2): train_pool/pcp_train.json is one JSON object
// {"0": {"text_a", "text_b", "label": "entailment"|"neutral"|"contradiction"}, …} of 8,999 MNLI
// train examples; dev_matched.jsonl has one {"premise", "hypothesis", "label": 0|1|2, "idx"} a line.

import { join } from 'node:path';
import type { Example } from './example';
import { DataError } from './dataError';
import { numberedLines, readDataText } from './readText';

export type MnliLabelMode = 'binary' | 'three-way';

export const MNLI_FIELDS = ['premise', 'hypothesis'];
export const MNLI_LABELS: Record<MnliLabelMode, string[]> = {
  binary: ['entailment', 'contradiction'],
  'three-way': ['entailment', 'neutral', 'contradiction'],
};

const GLUE_MNLI_NAMES = ['entailment', 'neutral', 'contradiction'];

/** Maps a GLUE MNLI label index (0 e, 1 n, 2 c) into the mode's label space; null drops the example. */
export function mnliLabelFromGlue(glueLabel: number, mode: MnliLabelMode): number | null {
  if (mode === 'three-way') return glueLabel;
  if (glueLabel === 1) return null;
  return glueLabel === 0 ? 0 : 1;
}

function stringField(value: unknown, name: string, file: string, line?: number, where = ''): string {
  if (typeof value !== 'string') throw new DataError(`${where}missing or non-text field "${name}"`, file, line);
  return value;
}

/** The MNLI train pool (PowerfulPromptFT's sample of MNLI train, see SOURCES.md §2c). */
export function readMnliTrainPool(file: string, mode: MnliLabelMode): Example[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readDataText(file));
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`not valid JSON: ${(err as Error).message}`, file);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new DataError('expected one JSON object keyed by example number', file);
  }
  const entries = Object.entries(parsed as Record<string, unknown>).sort(([a], [b]) => Number(a) - Number(b));
  const examples: Example[] = [];
  for (const [key, value] of entries) {
    const where = `example "${key}": `;
    if (value === null || typeof value !== 'object') throw new DataError(`${where}expected an object`, file);
    const row = value as Record<string, unknown>;
    const premise = stringField(row.text_a, 'text_a', file, undefined, where);
    const hypothesis = stringField(row.text_b, 'text_b', file, undefined, where);
    const glue = GLUE_MNLI_NAMES.indexOf(String(row.label));
    if (glue < 0) {
      throw new DataError(`${where}unknown label ${JSON.stringify(row.label)}; expected one of ${GLUE_MNLI_NAMES.join(', ')}`, file);
    }
    const label = mnliLabelFromGlue(glue, mode);
    if (label !== null) examples.push({ fields: { premise, hypothesis }, label });
  }
  return examples;
}

/** A GLUE-format MNLI JSONL file (premise, hypothesis, integer label 0/1/2). */
export function readMnliJsonl(file: string, mode: MnliLabelMode): Example[] {
  const examples: Example[] = [];
  for (const { text, line } of numberedLines(readDataText(file))) {
    if (text.trim() === '') continue;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new DataError(`not valid JSON: ${(err as Error).message}`, file, line);
    }
    const premise = stringField(row.premise, 'premise', file, line);
    const hypothesis = stringField(row.hypothesis, 'hypothesis', file, line);
    if (row.label !== 0 && row.label !== 1 && row.label !== 2) {
      throw new DataError(`unknown label ${JSON.stringify(row.label)}; expected 0 (entailment), 1 (neutral) or 2 (contradiction)`, file, line);
    }
    const label = mnliLabelFromGlue(row.label, mode);
    if (label !== null) examples.push({ fields: { premise, hypothesis }, label });
  }
  return examples;
}

export function mnliPaths(dataRoot: string): { train: string; devMatched: string } {
  return {
    train: join(dataRoot, 'mnli', 'train_pool', 'pcp_train.json'),
    devMatched: join(dataRoot, 'mnli', 'dev_matched.jsonl'),
  };
}
