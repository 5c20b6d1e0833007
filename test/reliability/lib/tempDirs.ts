// Temp folders of a test process, removed when it exits: the tests copy models (5 MB each) and
// write run stores, and a suite run must not leave hundreds of MB behind in /tmp.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Removes `path` (and all below it) when this process exits. */
export function removeAtExit(path: string): string {
  made.push(path);
  return path;
}

/** A new folder under the system temp folder, removed when this process exits. */
export function tempDir(prefix: string): string {
  return removeAtExit(mkdtempSync(join(tmpdir(), `ftlab-${prefix}-`)));
}
