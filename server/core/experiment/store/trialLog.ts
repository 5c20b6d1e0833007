// The append-only trial log: one TrialRecord per line (JSONL). Each finished trial is one write
// call of one whole line, then fsync, so after a crash the file holds every earlier line intact and
// at most one torn line at the end. A torn line is isolated (the next writer starts a new line
// first) and the reader reports and skips it; it never stops reading.

import * as fs from 'node:fs';
import type { TrialRecord } from '../../../../protocol/results';

/** The file operations the writer uses; tests swap in failing ones (disk full, I/O errors). */
export interface TrialLogIo {
  openSync(path: string, flags: string): number;
  writeSync(fd: number, buffer: Uint8Array): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  fstatSync(fd: number): { size: number };
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
}

const nodeIo: TrialLogIo = {
  openSync: (path, flags) => fs.openSync(path, flags),
  writeSync: (fd, buffer) => fs.writeSync(fd, buffer),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  fstatSync: (fd) => fs.fstatSync(fd),
  readSync: (fd, buffer, offset, length, position) => fs.readSync(fd, buffer, offset, length, position),
};

/** Why a write failed, in words; a full disk is named as such. */
export function describeWriteError(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC') return 'the disk is full (ENOSPC)';
  if (code === 'EDQUOT') return 'the disk quota is exceeded (EDQUOT)';
  return (cause as Error | undefined)?.message ?? String(cause);
}

/** A trial could not be stored. Earlier lines are intact; the run should stop and be resumed later. */
export class TrialStoreWriteError extends Error {
  /** The system error code (ENOSPC, EIO, …) where there is one. */
  readonly code: string | undefined;

  constructor(
    readonly path: string,
    readonly key: string,
    cause: unknown,
  ) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    super(`Could not save trial ${key} to ${path}: ${describeWriteError(cause)}. Trials saved before it are intact; fix the cause and resume the run.`, { cause });
    this.name = 'TrialStoreWriteError';
    this.code = code;
  }
}

export class TrialLogWriter {
  private fd: number | undefined;
  /** The file does not end in a newline (a torn line, or a failed write): start the next record on a new line. */
  private needsNewline: boolean;

  constructor(
    readonly path: string,
    private readonly io: TrialLogIo = nodeIo,
  ) {
    try {
      this.needsNewline = !endsWithNewline(io, path);
      this.fd = io.openSync(path, 'a'); // O_APPEND: every write lands at the end, whoever else appends
    } catch (error) {
      throw new TrialStoreWriteError(path, '(opening the log)', error);
    }
  }

  /** Appends one record as one line, in one write call, and fsyncs. Throws TrialStoreWriteError. */
  append(record: TrialRecord): void {
    if (this.fd === undefined) throw new TrialStoreWriteError(this.path, record.key, new Error('the log is closed'));
    const line = `${this.needsNewline ? '\n' : ''}${JSON.stringify(record)}\n`;
    const bytes = Buffer.from(line, 'utf8');
    try {
      let written = this.io.writeSync(this.fd, bytes);
      // write(2) may stop early (a full disk stops at the last block it could get); a second call
      // either finishes the line or fails with the reason (ENOSPC), which the message then names.
      if (written > 0 && written < bytes.length) written += this.io.writeSync(this.fd, bytes.subarray(written));
      if (written !== bytes.length) throw new Error(`short write: ${written} of ${bytes.length} bytes (disk full?)`);
      this.io.fsyncSync(this.fd);
      this.needsNewline = false;
    } catch (error) {
      // Part of the line may be on disk; never let the next record continue it.
      this.needsNewline = true;
      throw new TrialStoreWriteError(this.path, record.key, error);
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    this.io.closeSync(fd);
  }
}

/** Whether the log is empty or ends with a newline (a missing file counts as empty). */
function endsWithNewline(io: TrialLogIo, path: string): boolean {
  let fd: number;
  try {
    fd = io.openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  try {
    const size = io.fstatSync(fd).size;
    if (size === 0) return true;
    const last = new Uint8Array(1);
    io.readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    io.closeSync(fd);
  }
}

export interface StoreWarning {
  file: string;
  /** 1-based line number, where the problem is a line. */
  line?: number;
  message: string;
}

export interface TrialLogContents {
  records: TrialRecord[];
  warnings: StoreWarning[];
}

/** Reads a trial log; bad lines (torn, not JSON, not a record) are reported and skipped. */
export function readTrialLog(path: string): TrialLogContents {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], warnings: [] };
    return { records: [], warnings: [{ file: path, message: `cannot read: ${(error as Error).message}` }] };
  }
  const records: TrialRecord[] = [];
  const warnings: StoreWarning[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const isLast = index === lines.length - 1; // no newline after it: the write may have been cut off
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      const what = isLast ? 'is incomplete (a write cut off by a crash or a full disk)' : 'is not valid JSON';
      warnings.push({ file: path, line: index + 1, message: `line ${index + 1} ${what}; skipped` });
      return;
    }
    const problem = recordProblem(value);
    if (problem) {
      warnings.push({ file: path, line: index + 1, message: `line ${index + 1} is not a trial record (${problem}); skipped` });
      return;
    }
    records.push(value as TrialRecord);
  });
  return { records, warnings };
}

function recordProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not an object';
  const r = value as Partial<TrialRecord>;
  if (typeof r.key !== 'string' || r.key === '') return 'no key';
  if (r.status !== 'finished' && r.status !== 'failed') return 'status is neither finished nor failed';
  if (!r.config || typeof r.config !== 'object') return 'no config';
  if (typeof r.finishedAt !== 'string') return 'no finishedAt';
  return undefined;
}
