// Diagnostics of standalone pattern files (`*.ftlab-pattern`), published by the real server after
// its debounce, with exact ranges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { PATTERN_LANGUAGE_ID } from '../../protocol/lsp';
import { startServer } from './lib/serverProcess';

const uri = 'file:///workspace/cola.ftlab-pattern';

test('a pattern with a bad placeholder and a lone brace gets located errors', async () => {
  const server = await startServer();
  try {
    const text = 'Sentence: {sentence}\nGrammatical? {bad name} yes }\n';
    const published = server.nextDiagnostics(uri);
    await server.openDocument(uri, PATTERN_LANGUAGE_ID, text);
    const { diagnostics, version } = await published;
    assert.equal(version, 1);
    assert.deepEqual(
      diagnostics.map((d) => [d.range, d.severity, d.code, d.source]),
      [
        [{ start: { line: 1, character: 13 }, end: { line: 1, character: 23 } }, DiagnosticSeverity.Error, 'bad-placeholder', 'ftlab'],
        [{ start: { line: 1, character: 28 }, end: { line: 1, character: 29 } }, DiagnosticSeverity.Error, 'bad-placeholder', 'ftlab'],
      ],
    );
    assert.match(diagnostics[0].message, /invalid placeholder name "bad name"/);
    assert.match(diagnostics[1].message, /single "}"/);
  } finally {
    await server.stop();
  }
});

test('a valid pattern publishes an empty list; literal braces are fine', async () => {
  const server = await startServer();
  try {
    const published = server.nextDiagnostics(uri);
    await server.openDocument(uri, PATTERN_LANGUAGE_ID, '{premise} question: {hypothesis} {{Yes}} or No?\n');
    assert.deepEqual((await published).diagnostics, []);
  } finally {
    await server.stop();
  }
});

test('a burst of edits is checked once, for the last version only', async () => {
  const server = await startServer();
  try {
    const last = server.nextDiagnostics(uri, (p) => p.version === 6);
    await server.openDocument(uri, PATTERN_LANGUAGE_ID, '{a');
    for (let version = 2; version <= 6; version++) {
      await server.changeDocument(uri, version === 6 ? '{a}' : `{a${'b'.repeat(version)}`, version);
    }
    assert.deepEqual((await last).diagnostics, []);
    // Let a would-be late check for an older version arrive, then look at everything published.
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.deepEqual(
      server.published.filter((p) => p.uri === uri).map((p) => p.version),
      [6],
    );
  } finally {
    await server.stop();
  }
});

test('closing a document clears its problems', async () => {
  const server = await startServer();
  try {
    const first = server.nextDiagnostics(uri);
    await server.openDocument(uri, PATTERN_LANGUAGE_ID, '{');
    assert.equal((await first).diagnostics.length, 1);
    const cleared = server.nextDiagnostics(uri);
    await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    assert.deepEqual((await cleared).diagnostics, []);
  } finally {
    await server.stop();
  }
});

test('a pattern file over 1 MiB gets one problem naming it, its size and the limit; one at the limit is checked', async () => {
  const server = await startServer();
  try {
    const bigUri = 'file:///workspace/huge%20prompt.ftlab-pattern';
    const text = `{sentence} ${'{'.repeat(3 * 1024 * 1024)}\nsecond line\n`;
    const published = server.nextDiagnostics(bigUri);
    await server.openDocument(bigUri, PATTERN_LANGUAGE_ID, text);
    const { diagnostics } = await published;
    assert.deepEqual(
      diagnostics.map((d) => [d.range, d.severity, d.code, d.message]),
      [[
        { start: { line: 0, character: 0 }, end: { line: 0, character: 11 + 3 * 1024 * 1024 } },
        DiagnosticSeverity.Error,
        'file-too-large',
        'Pattern file huge prompt.ftlab-pattern is 3.0 MiB (3145751 bytes); pattern files are limited to 1.0 MiB (1048576 bytes), so it was not checked.',
      ]],
    );

    // At the limit (the final newline is not part of the pattern), the placeholders are checked.
    const atLimit = `{bad name}${'x'.repeat(1024 * 1024 - 10)}\n`;
    const checked = server.nextDiagnostics(uri);
    await server.openDocument(uri, PATTERN_LANGUAGE_ID, atLimit);
    assert.deepEqual((await checked).diagnostics.map((d) => d.code), ['bad-placeholder']);
  } finally {
    await server.stop();
  }
});
