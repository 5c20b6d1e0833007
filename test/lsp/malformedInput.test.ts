// Completion, hover and quick fixes on hostile or broken experiment files: every request gets an
// answer (possibly empty), in bounded time, and the server lives on to answer the next one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CompletionRequest } from 'vscode-languageserver-protocol/node';
import { EXPERIMENT_LANGUAGE_ID, serverInfoRequest } from '../../protocol/lsp';
import { fileUri, positionOf, tempDir } from './lib/fixtures';
import { hoverAt, quickFixes } from './lib/requests';
import { startServer } from './lib/serverProcess';

const inputs: Record<string, string> = {
  empty: '',
  binary: 'name: \u0000\u0001\u0002\ufffd\ufffd',
  unclosed: 'models: [facebook/opt-125m\ntasks: "cola\npatterns:\n  cola:\n    pattern: "{sen',
  tabs: 'training:\n\tlr: 1\n\t\tepochs: [\n',
  deepFlow: `methods: ${'['.repeat(2000)}`,
  deepBlock: Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'),
  aliasBomb: ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`), 'tasks: *m'].join('\n'),
  longLine: `name: a${' '.repeat(150_000)}b:`,
  unicode: 'näme: 名前\npatterns:\n  cola:\n    pattern: "{séntence} 🙂 {"\n    verbalizers: { 🙂: " Yes" }\n',
};

test('every request on a malformed file is answered, quickly, and the server survives', async () => {
  const server = await startServer(undefined, { env: { HF_HUB_CACHE: tempDir() } });
  try {
    for (const [name, text] of Object.entries(inputs)) {
      const uri = fileUri(join(tempDir(), `${name}.ftlab.yaml`));
      const published = server.nextDiagnostics(uri);
      await server.openDocument(uri, EXPERIMENT_LANGUAGE_ID, text);
      const { diagnostics } = await published;
      const started = Date.now();
      // A handful of positions spread over the file, including its very end.
      const offsets = [0, 1, Math.floor(text.length / 3), Math.floor(text.length / 2), text.length - 1, text.length].filter((o) => o >= 0);
      for (const offset of offsets) {
        const position = positionOf(text, offset);
        const completion = await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
        assert.ok(Array.isArray(completion), `${name}: completion answers a list`);
        const hover = await hoverAt(server, uri, position);
        assert.ok(hover === null || typeof hover === 'object');
      }
      assert.ok(Array.isArray(await quickFixes(server, uri, diagnostics)), `${name}: quick fixes answer a list`);
      assert.ok(Date.now() - started < 5000, `${name}: answered in ${Date.now() - started} ms`);
    }
    assert.equal((await server.connection.sendRequest(serverInfoRequest)).pid, server.child.pid);
  } finally {
    await server.stop();
  }
});
