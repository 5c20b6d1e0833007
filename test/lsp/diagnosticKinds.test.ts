// Every kind of experiment-file mistake of the issue, on one fixture file, through the real server
// with exact ranges: schema (unknown key, wrong type, out of range, not an integer), semantics
// (unknown method and task, bad model name, placeholder that is not a field, label without a
// verbalizer, LoRA rank above the hidden size, missing data files, CoLA's flawed GLUE validation),
// and the tokenizer of a model that is not downloaded, said once as information.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { EXPERIMENT_LANGUAGE_ID } from '../../protocol/lsp';
import { fileUri, rangeIn, rangeOf, tempDir } from './lib/fixtures';
import { startServer } from './lib/serverProcess';

const path = join(__dirname, 'fixtures', 'mistakes.ftlab.yaml');
const text = readFileSync(path, 'utf8');
const { Error, Warning, Information } = DiagnosticSeverity;

test('each kind of mistake is reported where it is, with the suggestion a quick fix needs', async () => {
  // An empty Hugging Face cache: facebook/opt-125m's tokenizer is not on this machine.
  const server = await startServer(undefined, { env: { HF_HUB_CACHE: tempDir() } });
  try {
    const uri = fileUri(path);
    const published = server.nextDiagnostics(uri);
    await server.openDocument(uri, EXPERIMENT_LANGUAGE_ID, text);
    const { diagnostics } = await published;
    const fixtures = join(__dirname, 'fixtures');
    const expected = [
      ['tokenizer-unavailable', Information, rangeOf(text, 'facebook/opt-125m'), undefined],
      ['invalid-model-name', Error, rangeOf(text, '"bad model!"'), undefined],
      ['unknown-task', Error, rangeOf(text, 'colla'), { suggestion: 'cola', replacement: 'cola' }],
      ['unknown-method', Error, rangeOf(text, 'vanila'), { suggestion: 'vanilla', replacement: 'vanilla' }],
      ['lora-rank-too-large', Error, rangeOf(text, '4096'), undefined],
      ['out-of-range', Error, rangeIn(text, 'n: [0', '0'), undefined],
      ['not-integer', Error, rangeOf(text, '2.5'), undefined],
      ['unknown-key', Error, rangeOf(text, 'traning'), { suggestion: 'training', replacement: 'training' }],
      ['wrong-type', Error, rangeOf(text, 'many'), undefined],
      ['unknown-placeholder', Error, rangeOf(text, '{sentense}'), { suggestion: 'sentence', replacement: '{sentence}' }],
      ['missing-verbalizer', Error, rangeOf(text, 'verbalizers', 1), { suggestion: 'negative' }],
      ['cola-glue-validation-flaw', Warning, rangeOf(text, 'glue-validation'), { suggestion: 'in-domain-dev', replacement: 'in-domain-dev' }],
      ['data-file-not-found', Error, rangeOf(text, 'missing-train.jsonl'), undefined],
      ['data-file-not-found', Error, rangeOf(text, 'missing-eval.jsonl'), undefined],
    ];
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity, d.range, d.data]),
      expected,
    );
    const message = (code: string) => diagnostics.find((d) => d.code === code)?.message;
    assert.equal(
      message('tokenizer-unavailable'),
      'The tokenizer of facebook/opt-125m is not available here (not downloaded yet?), so its verbalizers were not checked.',
    );
    assert.equal(message('unknown-placeholder'), '`{sentense}` is not a field of cola (fields: sentence); did you mean `{sentence}`?');
    assert.equal(message('missing-verbalizer'), 'Label negative (0) of reviews has no verbalizer.');
    assert.equal(
      message('data-file-not-found'),
      `${join(fixtures, 'missing-train.jsonl')} does not exist (\`train\` of custom task reviews; paths are relative to this file).`,
    );
  } finally {
    await server.stop();
  }
});
