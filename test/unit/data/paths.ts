// Where the tests find the repository's shipped data and the data-layer fixtures.

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const DATA_ROOT = join(REPO_ROOT, 'data');
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'data');
