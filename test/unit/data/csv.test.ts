import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvSyntaxError, parseCsv } from '../../../server/core/data/csv';

const fields = (text: string, delimiter?: string): string[][] => parseCsv(text, delimiter).map((r) => r.fields);

test('plain records, with and without a final line break, LF and CRLF', () => {
  assert.deepEqual(fields('a,b\n1,2\n'), [['a', 'b'], ['1', '2']]);
  assert.deepEqual(fields('a,b\r\n1,2'), [['a', 'b'], ['1', '2']]);
  assert.deepEqual(fields('a,b\r1,2\r'), [['a', 'b'], ['1', '2']]);
});

test('quotes: delimiters, escaped quotes, and line breaks inside', () => {
  const text = 'text,label\n"Hello, world",1\n"She said ""hi""",0\n"two\nlines",1\n"",0\n';
  assert.deepEqual(fields(text), [
    ['text', 'label'],
    ['Hello, world', '1'],
    ['She said "hi"', '0'],
    ['two\nlines', '1'],
    ['', '0'],
  ]);
});

test('record line numbers count line breaks inside quotes', () => {
  const records = parseCsv('h\n"a\nb\nc"\nnext\n');
  assert.deepEqual(records.map((r) => r.line), [1, 2, 5]);
});

test('byte-order mark, empty lines, empty fields', () => {
  assert.deepEqual(fields('\uFEFFa,b\n\n1,\n,\n'), [['a', 'b'], ['1', ''], ['', '']]);
});

test('tab delimiter', () => {
  assert.deepEqual(fields('a\tb\n"x\ty"\tz\n', '\t'), [['a', 'b'], ['x\ty', 'z']]);
});

test('syntax errors carry line and column', () => {
  const expectError = (text: string, line: number, column: number, message: RegExp): void => {
    assert.throws(
      () => parseCsv(text),
      (err: unknown) => err instanceof CsvSyntaxError && err.line === line && err.column === column && message.test(err.message),
    );
  };
  expectError('a,b\n"open,1\n2,3\n', 2, 1, /unterminated/);
  expectError('a,b\nx"y,1\n', 2, 2, /quote inside an unquoted field/);
  expectError('a,b\n"x"y,1\n', 2, 4, /after a closing quote/);
  assert.throws(() => parseCsv('a', '"'), /invalid CSV delimiter/);
});
