import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPattern, parsePattern, PatternError, renderPattern, suggestField } from '../../../server/core/data/pattern';
import { checkVerbalizer, verbalizerList } from '../../../server/core/data/verbalizer';

test('placeholders with their offsets', () => {
  const source = '{premise} question: {hypothesis} Yes or No?';
  const parsed = parsePattern(source);
  assert.deepEqual(parsed.errors, []);
  assert.deepEqual(parsed.placeholders, [
    { name: 'premise', start: 0, end: 9 },
    { name: 'hypothesis', start: 20, end: 32 },
  ]);
  for (const p of parsed.placeholders) assert.equal(source.slice(p.start, p.end), `{${p.name}}`);
});

test('rendering, with escaped braces and repeated fields', () => {
  const fields = { premise: 'It rained.', hypothesis: 'It was wet.' };
  assert.equal(renderPattern('{premise} question: {hypothesis} Yes or No?', fields), 'It rained. question: It was wet. Yes or No?');
  assert.equal(renderPattern('{{literal}} {premise}}} {{{hypothesis}}}', fields), '{literal} It rained.} {It was wet.}');
  assert.equal(renderPattern('{premise}{premise}', fields), 'It rained.It rained.');
  // Field values are inserted verbatim: braces inside them are not placeholders.
  assert.equal(renderPattern('{premise}', { premise: '{hypothesis}' }), '{hypothesis}');
});

test('offsets are UTF-16 indices (what LSP positions count)', () => {
  const source = '☕😀 {sentence}';
  const [p] = parsePattern(source).placeholders;
  assert.equal(p.start, 4); // ☕ is one code unit, 😀 two, then a space
  assert.equal(source.slice(p.start, p.end), '{sentence}');
});

test('syntax errors are located', () => {
  const cases: Array<[string, number, number, RegExp]> = [
    ['{premise', 0, 1, /unclosed "\{"/],
    ['a } b', 2, 3, /single "\}"/],
    ['x {} y', 2, 4, /empty placeholder/],
    ['{pre mise}', 0, 10, /invalid placeholder name "pre mise"/],
    ['{a {b}', 0, 1, /unclosed/],
    ['{1st}', 0, 5, /invalid placeholder name/],
  ];
  for (const [source, start, end, message] of cases) {
    const { errors } = parsePattern(source);
    assert.equal(errors.length, 1, source);
    assert.equal(errors[0].start, start, source);
    assert.equal(errors[0].end, end, source);
    assert.match(errors[0].message, message);
    assert.throws(() => renderPattern(source, { premise: 'p', a: 'a', b: 'b' }), PatternError);
  }
});

test('checkPattern flags unknown placeholders with a suggestion, and unused fields as warnings', () => {
  const fields = ['premise', 'hypothesis'];
  const problems = checkPattern('{premis} and {hypothesis} and {colour}', fields);
  assert.deepEqual(problems.map((p) => [p.severity, p.start, p.end]), [
    ['error', 0, 8],
    ['error', 30, 38],
  ]);
  assert.match(problems[0].message, /unknown placeholder \{premis\} — did you mean \{premise\}\?/);
  assert.match(problems[1].message, /fields: \{premise\}, \{hypothesis\}/);
  assert.deepEqual(checkPattern('{premise} ?', fields).map((p) => [p.severity, p.message]), [['warning', 'the pattern does not use {hypothesis}']]);
  assert.equal(checkPattern('Is this right?', fields)[0].severity, 'warning');
  assert.deepEqual(checkPattern('{premise} {hypothesis} ?', fields), []);
  assert.equal(suggestField('sentense', ['sentence']), 'sentence');
  assert.equal(suggestField('xyz', ['sentence']), undefined);
});

test('rendering an example without the field says which fields it has', () => {
  assert.throws(() => renderPattern('{premise} {hypothesis}', { sentence: 's' }), /uses \{premise\}, but the example has only \{sentence\}/);
});

test('verbalizers: label-index order, and every mistake reported', () => {
  const labels = ['entailment', 'contradiction'];
  assert.deepEqual(verbalizerList(labels, { contradiction: ' No', entailment: ' Yes' }), [' Yes', ' No']);
  const problems = checkVerbalizer(labels, { entailment: ' Yes', neutral: ' Maybe' });
  assert.deepEqual(problems.map((p) => p.label), ['contradiction', 'neutral']);
  assert.match(problems[0].message, /"contradiction" has no verbalizer/);
  assert.match(problems[1].message, /"neutral" is not a label of this task/);
  assert.match(checkVerbalizer(labels, { entailment: ' Yes', contradiction: ' Yes' })[0].message, /share the verbalizer " Yes"/);
  assert.match(checkVerbalizer(labels, { entailment: ' ', contradiction: ' No' })[0].message, /empty/);
  assert.throws(() => verbalizerList(labels, { entailment: ' Yes' }), /invalid verbalizer/);
});

test('a pattern over 1 MiB is one error with its size and the limit, and is not scanned', () => {
  const ascii = parsePattern(`{sentence} ${'x'.repeat(1024 * 1024)}`);
  assert.deepEqual(ascii.placeholders, []);
  assert.deepEqual(ascii.errors.map((e) => [e.message, e.severity]), [
    ['the pattern is 1.0 MiB (1048587 bytes); patterns are limited to 1.0 MiB (1048576 bytes)', 'error'],
  ]);
  // Bytes, not characters: 400 000 two-byte characters are 800 000 bytes, 600 000 are over the limit.
  assert.deepEqual(parsePattern(`{premise} ${'é'.repeat(400_000)}`).errors, []);
  assert.match(parsePattern(`{premise} ${'é'.repeat(600_000)}`).errors[0].message, /^the pattern is 1\.1 MiB \(1200010 bytes\)/);
  // Exactly at the limit is fine.
  assert.deepEqual(parsePattern(`{sentence}${'x'.repeat(1024 * 1024 - 10)}`).errors, []);
  // Rendering refuses it, with a message that quotes only the pattern's start.
  assert.throws(
    () => renderPattern(`{sentence} ${'x'.repeat(2 * 1024 * 1024)}`, { sentence: 's' }),
    (error: unknown) => error instanceof PatternError && /patterns are limited to 1\.0 MiB/.test(error.message) && error.message.length < 400,
  );
});
