// HANS (McCoy et al. 2019), the out-of-domain set for MNLI: the balanced 3,000-example sample shipped
// as data/hans/hans_sample3000.tsv (header: cal_index, gold_label, sentence1, sentence2, heuristic;
// 500 per heuristic × label; see data/SOURCES.md §3a).
//
// Labels: HANS has two, entailment and non-entailment. The split always keeps those two labels:
//   - against a binary MNLI model (entailment 0, contradiction 1) non-entailment is read as
//     contradiction, so predictions need no mapping;
//   - against a three-way MNLI model a prediction of neutral OR contradiction counts as
//     non-entailment (predictionMap [0, 1, 1]), the usual way three-way models are scored on HANS.
//
// Subsets: the study (Mosbach et al. 2023) reports the lexical-overlap heuristic (its eval code loads
// only that one), so that is the default; "all" keeps the three heuristics.

import type { EvalSplit, Example } from './example';
import { DataError } from './dataError';
import type { MnliLabelMode } from './mnli';
import { numberedLines, readDataText } from './readText';

export type HansSubset = 'lexical_overlap' | 'all';
export const HANS_HEURISTICS = ['lexical_overlap', 'subsequence', 'constituent'];
export const HANS_LABELS = ['entailment', 'non-entailment'];

const EXPECTED_HEADER = ['cal_index', 'gold_label', 'sentence1', 'sentence2', 'heuristic'];

/** Reads the HANS TSV, keeping the given subset; labels are 0 entailment, 1 non-entailment. */
export function readHansTsv(file: string, subset: HansSubset): Example[] {
  const lines = numberedLines(readDataText(file)).filter((l) => l.text.trim() !== '');
  if (lines.length === 0) throw new DataError('empty file', file);
  const header = lines[0].text.split('\t');
  if (header.join('\t') !== EXPECTED_HEADER.join('\t')) {
    throw new DataError(`unexpected header; expected columns ${EXPECTED_HEADER.join(', ')}`, file, lines[0].line);
  }
  const examples: Example[] = [];
  for (const { text, line } of lines.slice(1)) {
    const columns = text.split('\t');
    if (columns.length !== EXPECTED_HEADER.length) {
      throw new DataError(`expected ${EXPECTED_HEADER.length} tab-separated columns, found ${columns.length}`, file, line);
    }
    const [, gold, premise, hypothesis, heuristic] = columns;
    const label = HANS_LABELS.indexOf(gold);
    if (label < 0) throw new DataError(`unknown label ${JSON.stringify(gold)}; expected ${HANS_LABELS.join(' or ')}`, file, line);
    if (!HANS_HEURISTICS.includes(heuristic)) {
      throw new DataError(`unknown heuristic ${JSON.stringify(heuristic)}; expected one of ${HANS_HEURISTICS.join(', ')}`, file, line);
    }
    if (subset === 'all' || heuristic === subset) examples.push({ fields: { premise, hypothesis }, label });
  }
  return examples;
}

/** HANS as an OOD eval split for an MNLI model in the given label mode. */
export function hansSplit(file: string, subset: HansSubset, mode: MnliLabelMode): EvalSplit {
  return {
    name: subset === 'all' ? 'hans' : `hans-${subset.replace(/_/g, '-')}`,
    role: 'ood',
    labelNames: HANS_LABELS,
    predictionMap: mode === 'three-way' ? [0, 1, 1] : undefined,
    examples: readHansTsv(file, subset),
    source: file,
  };
}
