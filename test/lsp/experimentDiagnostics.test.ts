// Experiment-file diagnostics through the real server: the shared parser's findings arrive as
// publishDiagnostics with exact ranges, and `ftlab/validateExperiment` checks files on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { EXPERIMENT_LANGUAGE_ID, validateExperimentRequest } from '../../protocol/lsp';
import { repoRoot, startServer } from './lib/serverProcess';

// An empty Hugging Face cache, so what is said about facebook/opt-125m's tokenizer does not depend
// on this machine's cache.
const withoutModels = () => ({ env: { HF_HUB_CACHE: mkdtempSync(join(tmpdir(), 'ftlab-hf-')) } });

const withMistakes = [
  'name: mistakes',
  'models: [facebook/opt-125m]',
  'tasks: [cola]',
  'methods: [vanila, lora]',
  'n: -2',
  'traning:',
  '  lr: 1',
  '',
].join('\n');

test('an experiment with mistakes gets located errors with suggestions', async () => {
  const server = await startServer(undefined, withoutModels());
  try {
    const uri = pathToFileURL(join(tmpdir(), 'mistakes.ftlab.yaml')).toString();
    const published = server.nextDiagnostics(uri);
    await server.openDocument(uri, EXPERIMENT_LANGUAGE_ID, withMistakes);
    const { diagnostics } = await published;
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character]),
      [
        ['tokenizer-unavailable', DiagnosticSeverity.Information, 1, 9, 1, 26],
        ['unknown-method', DiagnosticSeverity.Error, 3, 10, 3, 16],
        ['out-of-range', DiagnosticSeverity.Error, 4, 3, 4, 5],
        ['unknown-key', DiagnosticSeverity.Error, 5, 0, 5, 7],
      ],
    );
    assert.deepEqual(diagnostics[1].data, { suggestion: 'vanilla', replacement: 'vanilla' });
    assert.deepEqual(diagnostics[3].data, { suggestion: 'training', replacement: 'training' });
    assert.ok(diagnostics.every((d) => d.source === 'ftlab'));
  } finally {
    await server.stop();
  }
});

test('YAML syntax errors are reported and the server keeps answering', async () => {
  const server = await startServer();
  try {
    const uri = 'untitled:Untitled-1';
    const published = server.nextDiagnostics(uri);
    await server.openDocument(uri, EXPERIMENT_LANGUAGE_ID, 'name: [unclosed\nmodels: x\n');
    const { diagnostics } = await published;
    assert.ok(diagnostics.some((d) => d.code === 'yaml-syntax' && d.severity === DiagnosticSeverity.Error));
    const fixed = server.nextDiagnostics(uri, (p) => p.version === 2);
    await server.changeDocument(uri, 'name: fixed\n', 2);
    assert.deepEqual((await fixed).diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error), []);
  } finally {
    await server.stop();
  }
});

test('validateExperiment checks a file on disk at once and publishes what it found', async () => {
  const server = await startServer(undefined, withoutModels());
  try {
    const dir = mkdtempSync(join(tmpdir(), 'ftlab-lsp-'));
    const path = join(dir, 'mistakes.ftlab.yaml');
    writeFileSync(path, withMistakes);
    const uri = pathToFileURL(path).toString();
    const published = server.nextDiagnostics(uri);
    const result = await server.connection.sendRequest(validateExperimentRequest, { uri });
    assert.deepEqual(result, {
      errors: 3,
      warnings: 0,
      firstError: 'line 4: Unknown method `vanila` in `methods[0]`; did you mean `vanilla`?',
    });
    // The three errors, and the information that the tokenizer is not at hand (not counted).
    assert.equal((await published).diagnostics.length, 4);
  } finally {
    await server.stop();
  }
});

test('validateExperiment prefers the open editor text over the file on disk', async () => {
  const server = await startServer();
  try {
    const dir = mkdtempSync(join(tmpdir(), 'ftlab-lsp-'));
    const path = join(dir, 'edited.ftlab.yaml');
    writeFileSync(path, withMistakes);
    const uri = pathToFileURL(path).toString();
    await server.openDocument(uri, EXPERIMENT_LANGUAGE_ID, 'name: edited\ntasks: [cola]\nmethods: [vanilla]\nn: 2\nseeds: 1\n');
    const result = await server.connection.sendRequest(validateExperimentRequest, { uri });
    assert.equal(result.errors, 0);
  } finally {
    await server.stop();
  }
});

test('validateExperiment answers a missing file with an error response', async () => {
  const server = await startServer();
  try {
    const uri = pathToFileURL(join(tmpdir(), 'does-not-exist.ftlab.yaml')).toString();
    await assert.rejects(server.connection.sendRequest(validateExperimentRequest, { uri }), /cannot read/);
  } finally {
    await server.stop();
  }
});

test('every New Experiment template validates without errors', async () => {
  const server = await startServer();
  try {
    const templates = join(repoRoot, 'media', 'templates');
    const files = readdirSync(templates).filter((f) => f.endsWith('.ftlab.yaml'));
    assert.ok(files.length >= 2);
    for (const file of files) {
      const result = await server.connection.sendRequest(validateExperimentRequest, {
        uri: pathToFileURL(join(templates, file)).toString(),
      });
      assert.deepEqual({ file, errors: result.errors, firstError: result.firstError }, { file, errors: 0, firstError: undefined });
    }
  } finally {
    await server.stop();
  }
});
