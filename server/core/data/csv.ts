// A small RFC 4180 CSV parser for users' own data files.
//
// Handles: quoted fields, doubled quotes inside quotes (""), delimiters and line breaks inside
// quotes, CRLF / LF / lone-CR line ends, a UTF-8 byte-order mark, a missing final line break, and a
// configurable delimiter (tab for TSV). Anything outside the grammar (a quote inside an unquoted
// field, text after a closing quote, an unterminated quote) is an error with its line and column,
// because silently guessing would misalign columns and labels.

export interface CsvRecord {
  fields: string[];
  /** 1-based line on which the record starts. */
  line: number;
}

export class CsvSyntaxError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(`line ${line}, column ${column}: ${message}`);
    this.name = 'CsvSyntaxError';
  }
}

/** Parses CSV text into records. Empty lines (outside quotes) are skipped. */
export function parseCsv(text: string, delimiter = ','): CsvRecord[] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new Error(`invalid CSV delimiter ${JSON.stringify(delimiter)}`);
  }
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let line = 1;
  let lineStart = 0; // index of the first character of the current line, for column numbers
  let i = 0;

  let fields: string[] = [];
  let recordLine = 1;
  let recordHasContent = false;

  const endRecord = (): void => {
    // A record that is a single empty unquoted field is an empty line: skip it.
    if (recordHasContent) records.push({ fields, line: recordLine });
    fields = [];
    recordHasContent = false;
  };
  const newline = (at: number): number => {
    // Returns the index after the line break that starts at `at`.
    const next = src[at] === '\r' && src[at + 1] === '\n' ? at + 2 : at + 1;
    line++;
    lineStart = next;
    return next;
  };

  while (i <= src.length) {
    // Start of a field.
    if (fields.length === 0 && !recordHasContent) recordLine = line;
    if (src[i] === '"') {
      const quoteLine = line;
      const quoteColumn = i - lineStart + 1;
      let value = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new CsvSyntaxError('unterminated quoted field', quoteLine, quoteColumn);
        const ch = src[i];
        if (ch === '"') {
          if (src[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (ch === '\r' || ch === '\n') {
          value += ch === '\r' && src[i + 1] === '\n' ? '\r\n' : ch;
          i = newline(i);
          continue;
        }
        value += ch;
        i++;
      }
      fields.push(value);
      recordHasContent = true;
      if (i < src.length && src[i] !== delimiter && src[i] !== '\r' && src[i] !== '\n') {
        throw new CsvSyntaxError(`unexpected ${JSON.stringify(src[i])} after a closing quote`, line, i - lineStart + 1);
      }
    } else {
      let end = i;
      while (end < src.length && src[end] !== delimiter && src[end] !== '\r' && src[end] !== '\n') {
        if (src[end] === '"') {
          throw new CsvSyntaxError('quote inside an unquoted field (quote the whole field and double the quote)', line, end - lineStart + 1);
        }
        end++;
      }
      const value = src.slice(i, end);
      fields.push(value);
      if (value !== '' || fields.length > 1) recordHasContent = true;
      i = end;
    }
    // After a field: delimiter, line break, or end of input.
    if (i >= src.length) {
      endRecord();
      break;
    }
    if (src[i] === delimiter) {
      recordHasContent = true; // "a," is a record of two fields even though both are empty
      i++;
      continue;
    }
    i = newline(i);
    endRecord();
  }
  return records;
}
