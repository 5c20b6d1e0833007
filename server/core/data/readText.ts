// Reads a data file as UTF-8 text, turning "not there" into a DataError that names the file.

import { readFileSync } from 'node:fs';
import { DataError } from './dataError';

export function readDataText(file: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError('file not found', file);
    if (code === 'EISDIR') throw new DataError('is a folder, expected a file', file);
    throw new DataError(`cannot read: ${(err as Error).message}`, file);
  }
}

/** Splits text into lines with their 1-based numbers, accepting LF and CRLF. */
export function numberedLines(text: string): Array<{ text: string; line: number }> {
  return text.split('\n').map((raw, i) => ({ text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, line: i + 1 }));
}
