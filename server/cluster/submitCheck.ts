// The experiment check a Slurm submission makes before anything is written or submitted: the shared
// parser with the same allowed-roots rule every shard's `ftlab run` applies (runner/prepareRun.ts).
// A file whose model folders or data files lie outside the allowed folders is refused here, with the
// diagnostics `ftlab run` would print, instead of by each shard after its queue wait.

import { dirname } from 'node:path';
import type { ExperimentParseResult } from '../../protocol/experiment';
import { loadExperimentFile } from '../core/experiment/parse';
import { allowedRootsFor } from '../runner/prepareRun';

/**
 * @param experimentPath absolute path of the experiment file
 * @param extraRoots absolute folders beyond the defaults: exactly the ones the shards get with
 *   `--allowed-roots`, so that this check and theirs agree
 */
export function checkForSlurmSubmission(experimentPath: string, extraRoots: readonly string[]): ExperimentParseResult {
  // The defaults (workspace, shipped data/ and models/, Hugging Face cache) are computed as the
  // shard's runner computes them: the shards run the CLI bundle next to this one, in this environment
  // (sbatch exports it), so they find the same shipped folders and cache.
  const allowedRoots = (dir: string | undefined) => allowedRootsFor(dir ?? dirname(experimentPath), { allowedRoots: extraRoots });
  return loadExperimentFile(experimentPath, { env: { allowedRoots } });
}
