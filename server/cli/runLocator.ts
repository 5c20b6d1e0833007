// Finds the run a command names: a run folder path, a run id inside the results folder, or
// nothing (the newest run there).

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { listRuns, MANIFEST_FILE } from '../core/experiment';
import { defaultResultsDir } from '../runner';
import { UsageError } from './args';
import type { CliIo } from './io';

export function locateRun(arg: string | undefined, resultsDirFlag: string | undefined, io: CliIo): string {
  const resultsDir = resultsDirFlag ? resolve(io.cwd, resultsDirFlag) : defaultResultsDir(io.env, io.cwd);
  if (arg === undefined) {
    const newest = listRuns(resultsDir).filter((r) => r.manifest).at(-1);
    if (!newest) throw new UsageError(`no runs in ${resultsDir}; start one with \`ftlab run <experiment>\``);
    return newest.dir;
  }
  const direct = resolve(io.cwd, arg);
  if (existsSync(join(direct, MANIFEST_FILE))) return direct;
  const byId = join(resultsDir, arg);
  if (!/[/\\]/.test(arg) && existsSync(join(byId, MANIFEST_FILE))) return byId;
  throw new UsageError(`no run "${arg}": neither a run folder (with ${MANIFEST_FILE}) nor a run id in ${resultsDir}`);
}
