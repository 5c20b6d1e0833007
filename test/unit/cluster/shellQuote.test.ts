// shellQuote must give back exactly the string it was given after bash reads it: checked with real
// bash on hostile fixed cases and on random strings (fast-check), all in one bash process.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { shellCommand, shellQuote } from '../../../server/cluster/shellQuote';

/** What bash makes of the quoted words: printf each argument followed by a NUL. */
function throughBash(words: string[]): string[] {
  const script = `printf '%s\\0' ${words.map(shellQuote).join(' ')}`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

test('hostile strings come back unchanged through bash', () => {
  const hostile = [
    "it's", '"double"', '$(echo INJECTED)', '`id`', '$HOME', '${PATH}', 'a\\b', 'semi;colon', 'amp & pipe |',
    'glob * ? [a]', 'new\nline', 'tab\there', '!history', "'", "''", '-n', '~', '#comment', '', ' ', 'ünïcödé ✓',
  ];
  assert.deepEqual(throughBash(hostile), hostile);
});

test('random strings come back unchanged through bash', () => {
  // Strings without NUL (no C program, bash included, can hold one in an argument).
  const unit = fc.oneof(fc.constantFrom(..."'\"$`\\!*?[]{}();&|<> \t\n~#%="), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));
  const word = fc.string({ unit }).filter((s) => !s.includes('\0'));
  fc.assert(
    fc.property(fc.array(word, { minLength: 1, maxLength: 40 }), (words) => {
      assert.deepEqual(throughBash(words), words);
    }),
    { numRuns: 60 },
  );
});

test('plain words stay readable; a command line is quoted word by word', () => {
  assert.equal(shellQuote('/abs/path/dist/cli.js'), '/abs/path/dist/cli.js');
  assert.equal(shellQuote("o'brien"), `'o'\\''brien'`);
  assert.equal(shellCommand(['run', 'my exp.yaml']), `run 'my exp.yaml'`);
});
