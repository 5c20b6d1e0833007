// Finding the shipped data folder. Callers pass the folder they start from (the repository root in
// tests, the folder of the bundled dist/*.js in the extension and CLI); the data is the nearest
// ancestor's data/ that holds the shipped files. No __dirname guessing happens in here, so the same
// code works from sources, from the bundle and from a packaged extension.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A file every shipped data folder has; its presence identifies the folder. */
const MARKER = join('cola', 'in_domain_train.tsv');

export function findDataRoot(startDir: string): string | undefined {
  let dir = startDir;
  for (;;) {
    const candidate = join(dir, 'data');
    if (existsSync(join(candidate, MARKER))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
