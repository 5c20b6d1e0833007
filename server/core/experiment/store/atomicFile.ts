// Whole-file writes that a crash cannot leave half done: write a temporary file beside the target,
// fsync it, then rename (replace) or link (create only if absent) it into place. Both are atomic
// on POSIX filesystems, including NFS, so readers see the old file or the new one, never a mix.

import { closeSync, fsyncSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';

function writeTemp(target: string, text: string): string {
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx');
  try {
    const bytes = Buffer.from(text, 'utf8');
    let written = writeSync(fd, bytes);
    // A write that stops early is tried once more: it finishes, or fails saying why (ENOSPC).
    if (written > 0 && written < bytes.length) written += writeSync(fd, bytes.subarray(written));
    if (written !== bytes.length) throw new Error(`short write to ${temp}: ${written} of ${bytes.length} bytes (disk full?)`);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkQuietly(temp); // never leave a half-written temp file behind
    throw error;
  }
  closeSync(fd);
  return temp;
}

/** Flush the directory entry too, so the rename itself survives a power loss (best effort). */
export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the data file itself is already synced.
  }
}

/** Replace `target` with `text` atomically. */
export function writeFileAtomic(target: string, text: string): void {
  const temp = writeTemp(target, text);
  try {
    renameSync(temp, target);
  } catch (error) {
    unlinkQuietly(temp);
    throw error;
  }
  syncDir(dirname(target));
}

/** Create `target` with `text` only if it does not exist; false when it already does. */
export function createFileExclusive(target: string, text: string): boolean {
  const temp = writeTemp(target, text);
  try {
    linkSync(temp, target);
    syncDir(dirname(target));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkQuietly(temp);
  }
}

export function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
