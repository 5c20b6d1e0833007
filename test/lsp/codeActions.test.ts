// Quick fixes through the real server, from the diagnostics it published: each fix's title and exact
// edit, and the file after applying it no longer has that mistake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeActionKind, type CodeAction } from 'vscode-languageserver-protocol/node';
import { EXPERIMENT_LANGUAGE_ID } from '../../protocol/lsp';
import { applyEdits, fileUri, makeOptFolder, rangeOf, tempDir } from './lib/fixtures';
import { quickFixes } from './lib/requests';
import { startServer, type ServerUnderTest } from './lib/serverProcess';

/** [title, the diagnostic's code, edits as [range, newText]] of each action. */
const describe = (actions: CodeAction[], uri: string) =>
  actions.map((a) => [a.title, a.diagnostics?.[0]?.code, (a.edit?.changes?.[uri] ?? []).map((e) => [e.range, e.newText])]);

async function openAndCheck(server: ServerUnderTest, uri: string, text: string, version = 1) {
  const published = server.nextDiagnostics(uri, (p) => p.version === version);
  if (version === 1) await server.openDocument(uri, EXPERIMENT_LANGUAGE_ID, text);
  else await server.changeDocument(uri, text, version);
  return (await published).diagnostics;
}

const applyAll = (text: string, actions: CodeAction[], uri: string) => applyEdits(text, actions.flatMap((a) => a.edit?.changes?.[uri] ?? []));

test('the fixture\'s mistakes: nearest task, method, key and placeholder, a missing verbalizer, CoLA\'s in-domain set', async () => {
  const server = await startServer(undefined, { env: { HF_HUB_CACHE: tempDir() } });
  try {
    const path = join(__dirname, 'fixtures', 'mistakes.ftlab.yaml');
    const text = readFileSync(path, 'utf8');
    const uri = fileUri(path);
    const diagnostics = await openAndCheck(server, uri, text);
    const actions = await quickFixes(server, uri, diagnostics);
    const flowEnd = text.indexOf('" great"') + '" great"'.length;
    const lines = text.slice(0, flowEnd).split('\n');
    const insertAt = { line: lines.length - 1, character: lines[lines.length - 1].length };
    assert.deepEqual(describe(actions, uri), [
      ['Change to cola', 'unknown-task', [[rangeOf(text, 'colla'), 'cola']]],
      ['Change to vanilla', 'unknown-method', [[rangeOf(text, 'vanila'), 'vanilla']]],
      ['Change to training', 'unknown-key', [[rangeOf(text, 'traning'), 'training']]],
      ['Change to {sentence}', 'unknown-placeholder', [[rangeOf(text, '{sentense}'), '{sentence}']]],
      ['Add a verbalizer for negative: " negative"', 'missing-verbalizer', [[{ start: insertAt, end: insertAt }, ', negative: " negative"']]],
      ['Evaluate in-domain on in_domain_dev (in-domain-dev)', 'cola-glue-validation-flaw', [[rangeOf(text, 'glue-validation'), 'in-domain-dev']]],
    ]);
    assert.ok(actions.every((a) => a.kind === CodeActionKind.QuickFix && a.isPreferred === true));

    const fixed = applyAll(text, actions, uri);
    assert.match(fixed, /verbalizers: \{ positive: " great", negative: " negative" \}/);
    const after = await openAndCheck(server, uri, fixed, 2);
    const codes = new Set(after.map((d) => d.code));
    for (const code of ['unknown-task', 'unknown-method', 'unknown-placeholder', 'missing-verbalizer', 'cola-glue-validation-flaw']) {
      assert.ok(!codes.has(code), `${code} is fixed`);
    }
    // `colla` became `cola` and `traning` became `training`, which the fixture also has: now
    // duplicates, no longer unknown (the fixture packs every mistake into one file).
    assert.ok(!codes.has('unknown-key'));
    assert.deepEqual(
      after.filter((d) => d.code === 'duplicate-item').map((d) => d.range),
      [rangeOf(fixed, 'cola', 1), rangeOf(fixed, 'training', 1)],
    );
  } finally {
    await server.stop();
  }
});

test('a verbalizer that is two tokens becomes its one-token leading-space form', async () => {
  const dir = tempDir();
  makeOptFolder(join(dir, 'opt'));
  const server = await startServer(undefined, { env: { HF_HUB_CACHE: tempDir() } });
  try {
    const uri = fileUri(join(dir, 'verbalizers.ftlab.yaml'));
    const text = 'models: [./opt]\ntasks: [cola]\nmethods: [pbft]\npatterns:\n  cola:\n    pattern: "{sentence} ?"\n    verbalizers:\n      unacceptable: Wrong\n      acceptable: " ungrammatical"\n';
    const diagnostics = await openAndCheck(server, uri, text);
    assert.deepEqual(diagnostics.map((d) => d.code), ['verbalizer-not-single-token', 'verbalizer-not-single-token']);
    const actions = await quickFixes(server, uri, diagnostics);
    // Only the first has a one-token spaced form; " ungrammatical" gets no fix.
    assert.deepEqual(describe(actions, uri), [
      ['Use " Wrong" (one token, with a leading space)', 'verbalizer-not-single-token', [[rangeOf(text, 'Wrong'), '" Wrong"']]],
    ]);
    const after = await openAndCheck(server, uri, applyAll(text, actions, uri), 2);
    assert.deepEqual(after.map((d) => [d.code, d.data?.tokens]), [['verbalizer-not-single-token', ['Ġun', 'gram', 'matical']]]);
  } finally {
    await server.stop();
  }
});

test('a missing verbalizer is inserted where the mapping has its entries, or as a new verbalizers mapping', async () => {
  const server = await startServer(undefined, { env: { HF_HUB_CACHE: tempDir() } });
  try {
    const uri = fileUri(join(tempDir(), 'labels.ftlab.yaml'));
    const text = [
      'models: [facebook/opt-125m]',
      'tasks: [cola, reviews]',
      'methods: [pbft]',
      'patterns:',
      '  cola:',
      '    pattern: "{sentence} ?"',
      '    verbalizers:',
      '      acceptable: " Yes"   # label 1',
      '  reviews:',
      '    pattern: "{text} It was"',
      'data:',
      '  custom:',
      '    reviews:',
      '      train: /nonexistent/train.jsonl',
      '      eval: /nonexistent/eval.jsonl',
      '      fields: [text]',
      '      labels: [bad, good]',
      '',
    ].join('\n');
    const diagnostics = (await openAndCheck(server, uri, text)).filter((d) => d.code === 'missing-verbalizer');
    assert.deepEqual(diagnostics.map((d) => [d.range, d.data]), [
      [rangeOf(text, 'verbalizers'), { suggestion: 'unacceptable' }],
      [rangeOf(text, 'reviews', 1), { suggestion: 'bad' }],
      [rangeOf(text, 'reviews', 1), { suggestion: 'good' }],
    ]);
    const actions = await quickFixes(server, uri, diagnostics);
    const endOf = (line: number) => ({ line, character: text.split('\n')[line].length });
    assert.deepEqual(describe(actions, uri), [
      ['Add a verbalizer for unacceptable: " No"', 'missing-verbalizer', [[{ start: endOf(7), end: endOf(7) }, '\n      unacceptable: " No"']]],
      ['Add a verbalizer for bad: " bad"', 'missing-verbalizer', [[{ start: endOf(9), end: endOf(9) }, '\n    verbalizers:\n      bad: " bad"']]],
      ['Add a verbalizer for good: " good"', 'missing-verbalizer', [[{ start: endOf(9), end: endOf(9) }, '\n    verbalizers:\n      good: " good"']]],
    ]);
    // The built-in task's fix, then one of the custom task's (the other is offered again once the mapping exists).
    const fixed = applyAll(text, actions.slice(0, 2), uri);
    assert.match(fixed, /acceptable: " Yes" {3}# label 1\n {6}unacceptable: " No"\n/);
    const after = await openAndCheck(server, uri, fixed, 2);
    const remaining = after.filter((d) => d.code === 'missing-verbalizer');
    assert.deepEqual(remaining.map((d) => [d.range, d.data]), [[rangeOf(fixed, 'verbalizers', 1), { suggestion: 'good' }]]);
    const next = await quickFixes(server, uri, remaining);
    const final = await openAndCheck(server, uri, applyAll(fixed, next, uri), 3);
    assert.deepEqual(final.filter((d) => d.code === 'missing-verbalizer'), []);
    assert.match(applyAll(fixed, next, uri), /verbalizers:\n {6}bad: " bad"\n {6}good: " good"\n/);
  } finally {
    await server.stop();
  }
});

test('only quick fixes are offered, and only when asked for them', async () => {
  const server = await startServer(undefined, { env: { HF_HUB_CACHE: tempDir() } });
  try {
    const uri = fileUri(join(tempDir(), 'only.ftlab.yaml'));
    const diagnostics = await openAndCheck(server, uri, 'traning:\n  lr: 1\n');
    assert.equal((await quickFixes(server, uri, diagnostics)).length, 1);
    assert.deepEqual(await quickFixes(server, uri, diagnostics, [CodeActionKind.Refactor]), []);
    assert.equal((await quickFixes(server, uri, diagnostics, [CodeActionKind.QuickFix])).length, 1);
  } finally {
    await server.stop();
  }
});
