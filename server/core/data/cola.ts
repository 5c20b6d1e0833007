// CoLA (Warstadt et al. 2018), read from the raw release TSVs shipped under data/cola/.
//
// Format (data/SOURCES.md §1): no header; 4 tab-separated columns: source code, label (0/1),
// the original author's mark, sentence. Sentences may contain quotes, so no CSV quoting applies.
//
// Splits: train pool = in_domain_train (8,551); in-domain eval = in_domain_dev (527); OOD eval =
// out_of_domain_dev (516). GLUE's CoLA validation set is the two dev files together, which is why the
// raw files are read here and not GLUE's.

import { join } from 'node:path';
import type { Dataset, EvalSplit, Example } from './example';
import { DataError } from './dataError';
import { numberedLines, readDataText } from './readText';

export const COLA_LABELS = ['unacceptable', 'acceptable'];
export const COLA_FIELDS = ['sentence'];

/** Reads one raw CoLA TSV file into examples (label 0 unacceptable, 1 acceptable). */
export function readColaTsv(file: string): Example[] {
  const examples: Example[] = [];
  for (const { text, line } of numberedLines(readDataText(file))) {
    if (text.trim() === '') continue;
    const columns = text.split('\t');
    if (columns.length !== 4) {
      throw new DataError(`expected 4 tab-separated columns (source, label, mark, sentence), found ${columns.length}`, file, line);
    }
    const [, rawLabel, , sentence] = columns;
    if (rawLabel !== '0' && rawLabel !== '1') {
      throw new DataError(`unknown label ${JSON.stringify(rawLabel)}; CoLA labels are 0 (unacceptable) and 1 (acceptable)`, file, line);
    }
    examples.push({ fields: { sentence }, label: Number(rawLabel) });
  }
  return examples;
}

/** The CoLA task from `<dataRoot>/cola/`. */
export function loadCola(dataRoot: string): Dataset {
  const dir = join(dataRoot, 'cola');
  const split = (name: string, role: EvalSplit['role'], file: string): EvalSplit => ({
    name,
    role,
    labelNames: COLA_LABELS,
    examples: readColaTsv(join(dir, file)),
    source: join(dir, file),
  });
  return {
    name: 'cola',
    fieldNames: COLA_FIELDS,
    labelNames: COLA_LABELS,
    train: readColaTsv(join(dir, 'in_domain_train.tsv')),
    trainSource: join(dir, 'in_domain_train.tsv'),
    evals: [
      split('cola-in-domain-dev', 'in-domain', 'in_domain_dev.tsv'),
      split('cola-ood-dev', 'ood', 'out_of_domain_dev.tsv'),
    ],
  };
}
