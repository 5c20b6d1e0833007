// The built-in tasks with their training data taken from the Hugging Face Hub instead of the
// shipped files (`data.source: hub` in an experiment file). Files are fetched into the standard HF
// cache (shared with Python) by the hub module and read with the parquet reader.
//
// Source: the dataset repo nyu-mll/glue, its parquet files (the repo was converted from a loading
// script to parquet; file names checked on huggingface.co/datasets/nyu-mll/glue/tree/<commit>/<config>,
// cola/ at c8b4538e "Convert dataset to Parquet", mnli/ at a3f3ab75 "Convert dataset to Parquet (#16)"):
//   cola/train-00000-of-00001.parquet                 8,551 rows   CoLA in_domain_train
//   mnli/train-00000-of-00001.parquet               392,702 rows   the whole MNLI train set
//   mnli/validation_matched-00000-of-00001.parquet    9,815 rows   MNLI matched dev
// Columns: sentence | premise, hypothesis; label (int64 ClassLabel); idx.
//
// What stays shipped, and why:
//   - CoLA's eval sets. The Hub's cola/validation split (1,043 rows) is in_domain_dev (527) and
//     out_of_domain_dev (516) together, with no column telling them apart; as "in-domain" it would
//     put the OOD set inside the in-domain score. The eval sets stay the raw release's files
//     data/cola/in_domain_dev.tsv and out_of_domain_dev.tsv (the `data.cola.inDomainEval` setting
//     applies as with shipped data).
//   - HANS, MNLI's OOD set. The Hub's `hans` dataset is a loading-script repo with no parquet files
//     to read, so it stays data/hans/hans_sample3000.tsv.
// The MNLI train pool is NOT the shipped one: the shipped pool is a fixed 8,999-example sample of
// MNLI train, the Hub's is all of it, so few-shot samples differ between the two sources for the same
// data seed (the trial key includes the source).

import { downloadDatasetFiles, type DatasetDownloadOptions } from '../hub/datasetDownload';
import { DataError } from './dataError';
import type { Dataset } from './example';
import { COLA_LABELS } from './cola';
import { MNLI_LABELS, type MnliLabelMode } from './mnli';
import { glueColaParquetMapping, glueMnliParquetMapping, readParquetClassLabelNames, readParquetExamples, type ParquetMapping } from './parquet';
import { loadTask, type BuiltinTaskName, type LoadTaskOptions } from './tasks';

export const GLUE_HUB_REPO = 'nyu-mll/glue';

export const GLUE_HUB_FILES = {
  colaTrain: 'cola/train-00000-of-00001.parquet',
  mnliTrain: 'mnli/train-00000-of-00001.parquet',
  mnliValidationMatched: 'mnli/validation_matched-00000-of-00001.parquet',
} as const;

/** The eval set whose examples come from mnli/validation_matched (its name as the shipped task gives it). */
const MNLI_MATCHED_DEV = 'mnli-matched-dev';

/** Repo files a built-in task reads from the Hub. */
export function hubFilesOf(task: BuiltinTaskName): string[] {
  return task === 'cola' ? [GLUE_HUB_FILES.colaTrain] : [GLUE_HUB_FILES.mnliTrain, GLUE_HUB_FILES.mnliValidationMatched];
}

export interface LoadHubTaskOptions extends LoadTaskOptions {
  /** Cache folder, offline mode, revision, progress, cancel (defaults from the environment, as for models). */
  download?: DatasetDownloadOptions;
}

/**
 * Reads a GLUE parquet file, first checking that its ClassLabel names are the ones the mapping
 * assumes: label indices are only meaningful in that order, so a reordered upstream file must fail
 * loudly rather than train on swapped labels.
 */
async function readGlueSplit(file: string, mapping: ParquetMapping, expectedNames: readonly string[]) {
  const declared = await readParquetClassLabelNames(file, mapping.labelColumn);
  if (declared && declared.join('\u0000') !== expectedNames.join('\u0000')) {
    throw new DataError(`the file declares labels ${declared.join(', ')} where ${expectedNames.join(', ')} (in this order) was expected`, file);
  }
  return readParquetExamples(file, mapping);
}

/** A built-in task with its train pool (and MNLI's matched dev) from nyu-mll/glue on the Hub; the other eval sets shipped. */
export async function loadHubTask(name: BuiltinTaskName, options: LoadHubTaskOptions): Promise<Dataset> {
  const fetched = await downloadDatasetFiles(GLUE_HUB_REPO, hubFilesOf(name), options.download);
  // The shipped task gives the eval sets that stay shipped, with their names and roles.
  const shipped = await loadTask(name, options);
  if (name === 'cola') {
    const trainSource = fetched.paths[GLUE_HUB_FILES.colaTrain];
    return { ...shipped, train: await readGlueSplit(trainSource, glueColaParquetMapping(), COLA_LABELS), trainSource };
  }
  const mode: MnliLabelMode = name === 'mnli' ? 'binary' : 'three-way';
  const mapping = glueMnliParquetMapping(mode);
  const trainSource = fetched.paths[GLUE_HUB_FILES.mnliTrain];
  const devSource = fetched.paths[GLUE_HUB_FILES.mnliValidationMatched];
  const train = await readGlueSplit(trainSource, mapping, MNLI_LABELS['three-way']);
  const dev = await readGlueSplit(devSource, mapping, MNLI_LABELS['three-way']);
  if (!shipped.evals.some((split) => split.name === MNLI_MATCHED_DEV)) throw new Error(`task ${name} has no eval set ${MNLI_MATCHED_DEV} to take from the Hub`);
  return {
    ...shipped,
    train,
    trainSource,
    evals: shipped.evals.map((split) => (split.name === MNLI_MATCHED_DEV ? { ...split, examples: dev, source: devSource } : split)),
  };
}
