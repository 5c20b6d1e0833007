// The `--allowed-roots` option, shared by `ftlab run` and `ftlab submit slurm`. Both read the extra
// folders from the same places (the flag, then $FTLAB_ALLOWED_ROOTS) in the same way: a submission
// checked against other folders than its shards later use would be accepted here and then refused
// by every shard after its queue wait.

import { delimiter, resolve } from 'node:path';
import { ALLOWED_ROOTS_ENV, parseAllowedRoots } from '../core/experiment';
import { stringFlag, type ParsedArgs } from './args';

export const ALLOWED_ROOTS_FLAG = 'allowed-roots';

/** The option's lines for a command's --help. */
export const ALLOWED_ROOTS_HELP = `  --allowed-roots D    more folders (separated by '${delimiter}') that models and data files may be
                       read from; by default only the experiment's workspace (its git root, else
                       its folder), the shipped data/ and models/ and the Hugging Face cache.
                       $${ALLOWED_ROOTS_ENV} adds folders the same way`;

/**
 * The extra folders, absolute and without repeats. Relative ones are resolved against `cwd` here,
 * once: a shard on a compute node does not start in the folder the command was typed in.
 */
export function allowedRootsOption(args: ParsedArgs, env: NodeJS.ProcessEnv, cwd: string): string[] {
  const given = [...parseAllowedRoots(stringFlag(args, ALLOWED_ROOTS_FLAG)), ...parseAllowedRoots(env[ALLOWED_ROOTS_ENV])];
  return [...new Set(given.map((root) => resolve(cwd, root)))];
}
