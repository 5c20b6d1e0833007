// Run ids name a folder in the shared results directory, and every shard of a run must agree on it,
// so the submitter picks it once (in the store's own format) and passes it to each shard.

import { basename } from 'node:path';
import { isRunId, makeRunId } from '../core/experiment/store/runId';

/** Where runs go when no results folder is given (the runner's default too). */
export const DEFAULT_RESULTS_DIR = '.ftlab/runs';

/** A fresh run id, `20261128-175512-demo`, named after the experiment (its `name`, else its file). */
export function newRunId(experimentPath: string, name?: string, now = new Date()): string {
  return makeRunId(name ?? basename(experimentPath).replace(/\.ftlab\.ya?ml$|\.ya?ml$/i, ''), now);
}

export function checkRunId(runId: string): void {
  if (!isRunId(runId)) throw new Error(`"${runId}" is not a run id (expected e.g. 20261128-175512-demo)`);
}
