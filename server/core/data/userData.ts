// The user's own data: JSONL or CSV/TSV files, mapped onto examples by a field mapping and a label
// list. Every problem names the file and the line of the offending record.
//
//   fields      which columns hold the text: either a list of column names (used as field names)
//               or { fieldName: columnName } to rename (e.g. { premise: "sentence1" }).
//   labelField  the column holding the label.
//   labels      the label names in label-index order. A record's label value is matched against
//               these names as text ("1" in a CSV matches the label "1"); with labelValues "indices"
//               the value is instead an integer index into the list (HF-style 0/1/2 labels).

import type { Example } from './example';
import { DataError } from './dataError';
import { CsvSyntaxError, parseCsv } from './csv';
import { numberedLines, readDataText } from './readText';

export type UserDataFormat = 'jsonl' | 'csv' | 'tsv';

export interface FieldMapping {
  fields: string[] | Record<string, string>;
  labelField: string;
  labels: string[];
  labelValues?: 'names' | 'indices';
}

/** { fieldName: columnName } from either form of `fields`. */
export function fieldColumns(fields: FieldMapping['fields']): Record<string, string> {
  return Array.isArray(fields) ? Object.fromEntries(fields.map((f) => [f, f])) : { ...fields };
}

/** The format a file name implies, when it has a known extension. */
export function formatFromPath(file: string): UserDataFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.tsv')) return 'tsv';
  return undefined;
}

interface RawRecord {
  values: Record<string, unknown>;
  line: number;
}

function jsonlRecords(file: string, text: string): RawRecord[] {
  const records: RawRecord[] = [];
  for (const { text: raw, line } of numberedLines(text)) {
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new DataError(`not valid JSON: ${(err as Error).message}`, file, line);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new DataError('expected a JSON object on each line', file, line);
    }
    records.push({ values: value as Record<string, unknown>, line });
  }
  return records;
}

function delimitedRecords(file: string, text: string, delimiter: string, required: string[]): RawRecord[] {
  let rows;
  try {
    rows = parseCsv(text, delimiter);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new DataError(`${err.message.replace(/^line \d+, /, '')}`, file, err.line);
    throw err;
  }
  if (rows.length === 0) throw new DataError('empty file (a header row with column names is required)', file);
  const header = rows[0].fields.map((h) => h.trim());
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw new DataError(`column "${name}" appears twice in the header`, file, rows[0].line);
    seen.add(name);
  }
  // A column missing from the header is one mistake, reported once at the header, not on every row.
  const absent = required.filter((c) => !seen.has(c));
  if (absent.length > 0) {
    throw new DataError(
      `missing column${absent.length > 1 ? 's' : ''} ${absent.map((c) => `"${c}"`).join(', ')}; the header has ${header.map((h) => `"${h}"`).join(', ')}`,
      file,
      rows[0].line,
    );
  }
  return rows.slice(1).map((row) => {
    if (row.fields.length !== header.length) {
      throw new DataError(`expected ${header.length} columns as in the header, found ${row.fields.length}`, file, row.line);
    }
    return { values: Object.fromEntries(header.map((h, i) => [h, row.fields[i]])), line: row.line };
  });
}

function labelIndex(raw: unknown, mapping: FieldMapping, file: string, line: number): number {
  if (raw === undefined || raw === null) throw new DataError(`missing label column "${mapping.labelField}"`, file, line);
  const text = typeof raw === 'string' ? raw.trim() : String(raw);
  if (mapping.labelValues === 'indices') {
    const index = Number(text);
    if (!/^\d+$/.test(text) || index >= mapping.labels.length) {
      throw new DataError(
        `label ${JSON.stringify(raw)} is not an index into the ${mapping.labels.length} labels (${mapping.labels.join(', ')})`,
        file,
        line,
      );
    }
    return index;
  }
  const index = mapping.labels.indexOf(text);
  if (index < 0) {
    const hint = /^\d+$/.test(text) && Number(text) < mapping.labels.length ? ' (if the file holds label indices, set labelValues: indices)' : '';
    throw new DataError(`unknown label ${JSON.stringify(raw)}; expected one of ${mapping.labels.map((l) => JSON.stringify(l)).join(', ')}${hint}`, file, line);
  }
  return index;
}

/** Reads a user data file into examples. */
export function readUserData(file: string, mapping: FieldMapping, format?: UserDataFormat): Example[] {
  const kind = format ?? formatFromPath(file);
  if (!kind) throw new DataError('unknown data format; use a .jsonl, .csv or .tsv file or say the format', file);
  if (mapping.labels.length < 2) throw new DataError(`a classification task needs at least 2 labels, got ${mapping.labels.length}`, file);
  const columns = Object.entries(fieldColumns(mapping.fields));
  if (columns.length === 0) throw new DataError('the field mapping names no text columns', file);
  const required = [...columns.map(([, column]) => column), mapping.labelField];
  const text = readDataText(file);
  const records = kind === 'jsonl' ? jsonlRecords(file, text) : delimitedRecords(file, text, kind === 'tsv' ? '\t' : ',', required);
  if (records.length === 0) throw new DataError('no examples in file', file);

  return records.map(({ values, line }) => {
    const fields: Record<string, string> = {};
    for (const [field, column] of columns) {
      const value = values[column];
      if (value === undefined || value === null) {
        throw new DataError(`missing column "${column}"${field !== column ? ` (field "${field}")` : ''}`, file, line);
      }
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new DataError(`column "${column}" holds ${Array.isArray(value) ? 'a list' : 'an object'}, expected text`, file, line);
      }
      fields[field] = String(value);
    }
    return { fields, label: labelIndex(values[mapping.labelField], mapping, file, line) };
  });
}
