// Verbalizers checked with the real OPT tokenizer (data/opt's vocab.json + merges.txt), found the
// ways a user's machine has it: a local model folder named in the file, or a Hub id's snapshot in
// the Hugging Face cache (the `ftlab.hfCacheDir` setting, else HF_HUB_CACHE). A model whose
// tokenizer is not on the machine is said once, as information.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { didChangeSettings, EXPERIMENT_LANGUAGE_ID } from '../../protocol/lsp';
import { fileUri, makeHubCache, makeOptFolder, rangeOf, tempDir } from './lib/fixtures';
import { defaultInitOptions, startServer } from './lib/serverProcess';

const experiment = (models: string, verbalizers: string, extraTasks = '') =>
  [
    `models: ${models}`,
    `tasks: [cola${extraTasks ? `, ${extraTasks}` : ''}]`,
    'methods: [pbft]',
    'n: [2]',
    'seeds: 1',
    'patterns:',
    '  cola:',
    '    pattern: "{sentence} ?"',
    `    verbalizers: ${verbalizers}`,
    '',
  ].join('\n');

const badVerbalizers = '{ unacceptable: " ungrammatical", acceptable: "Wrong" }';
const goodVerbalizers = '{ unacceptable: " No", acceptable: " Yes" }';
const summary = (d: { code?: unknown; severity?: number; range: unknown; data?: unknown }) => [d.code, d.severity, d.range, d.data];

test('a local OPT folder: multi-token verbalizers are errors naming their tokens, with the leading-space form', async () => {
  const dir = tempDir();
  makeOptFolder(join(dir, 'opt-local'));
  const server = await startServer(undefined, { env: { HF_HUB_CACHE: tempDir() } });
  try {
    const uri = fileUri(join(dir, 'local.ftlab.yaml'));
    const text = experiment('[./opt-local]', badVerbalizers);
    const published = server.nextDiagnostics(uri);
    await server.openDocument(uri, EXPERIMENT_LANGUAGE_ID, text);
    const { diagnostics } = await published;
    assert.deepEqual(diagnostics.map(summary), [
      ['verbalizer-not-single-token', DiagnosticSeverity.Error, rangeOf(text, '" ungrammatical"'), { tokens: ['Ġun', 'gram', 'matical'] }],
      ['verbalizer-not-single-token', DiagnosticSeverity.Error, rangeOf(text, '"Wrong"'), { tokens: ['Wr', 'ong'], suggestion: ' Wrong', replacement: '" Wrong"' }],
    ]);
    assert.equal(
      diagnostics[0].message,
      'Verbalizer " ungrammatical" (unacceptable in cola) is 3 tokens of ./opt-local\'s tokenizer: "Ġun", "gram", "matical"; a verbalizer must be exactly one token.',
    );
    assert.equal(
      diagnostics[1].message,
      'Verbalizer "Wrong" (acceptable in cola) is 2 tokens of ./opt-local\'s tokenizer: "Wr", "ong"; a verbalizer must be exactly one token. " Wrong", with a leading space, is one token.',
    );

    // Fixed: the next check (tokenizer cached by now) publishes no problems.
    const fixed = server.nextDiagnostics(uri, (p) => p.version === 2);
    await server.changeDocument(uri, experiment('[./opt-local]', goodVerbalizers), 2);
    assert.deepEqual((await fixed).diagnostics, []);
  } finally {
    await server.stop();
  }
});

test('a Hub id is checked with its snapshot in the cache that ftlab.hfCacheDir names, rechecked when it changes', async () => {
  const empty = tempDir();
  const server = await startServer({ ...defaultInitOptions, settings: { ...defaultInitOptions.settings, hfCacheDir: empty } });
  try {
    const uri = fileUri(join(tempDir(), 'hub.ftlab.yaml'));
    const text = experiment('[facebook/opt-125m]', badVerbalizers);
    const first = server.nextDiagnostics(uri);
    await server.openDocument(uri, EXPERIMENT_LANGUAGE_ID, text);
    assert.deepEqual((await first).diagnostics.map(summary), [
      ['tokenizer-unavailable', DiagnosticSeverity.Information, rangeOf(text, 'facebook/opt-125m'), undefined],
    ]);

    const cache = makeHubCache('facebook/opt-125m');
    const rechecked = server.nextDiagnostics(uri);
    await server.connection.sendNotification(didChangeSettings, { ...defaultInitOptions.settings, hfCacheDir: cache });
    const { diagnostics } = await rechecked;
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.range, d.data?.tokens]),
      [
        ['verbalizer-not-single-token', rangeOf(text, '" ungrammatical"'), ['Ġun', 'gram', 'matical']],
        ['verbalizer-not-single-token', rangeOf(text, '"Wrong"'), ['Wr', 'ong']],
      ],
    );
    assert.match(diagnostics[1].message, /2 tokens of facebook\/opt-125m's tokenizer: "Wr", "ong"/);
  } finally {
    await server.stop();
  }
});

test('HF_HUB_CACHE is used when the setting is empty', async () => {
  const server = await startServer(undefined, { env: { HF_HUB_CACHE: makeHubCache('facebook/opt-125m') } });
  try {
    const uri = fileUri(join(tempDir(), 'env.ftlab.yaml'));
    const text = experiment('[facebook/opt-125m]', badVerbalizers);
    const published = server.nextDiagnostics(uri);
    await server.openDocument(uri, EXPERIMENT_LANGUAGE_ID, text);
    assert.deepEqual(
      (await published).diagnostics.map((d) => d.code),
      ['verbalizer-not-single-token', 'verbalizer-not-single-token'],
    );
  } finally {
    await server.stop();
  }
});

test('a tokenizer that is not downloaded is said once per model, as information, however many tasks use it', async () => {
  const cache = makeHubCache('facebook/opt-125m'); // opt-125m is there, opt-350m is not
  const server = await startServer(undefined, { env: { HF_HUB_CACHE: cache } });
  try {
    const uri = fileUri(join(tempDir(), 'missing.ftlab.yaml'));
    const text = experiment('[facebook/opt-125m, facebook/opt-350m]', goodVerbalizers, 'mnli, mnli-3way');
    const published = server.nextDiagnostics(uri);
    await server.openDocument(uri, EXPERIMENT_LANGUAGE_ID, text);
    const { diagnostics } = await published;
    assert.deepEqual(diagnostics.map(summary), [
      ['tokenizer-unavailable', DiagnosticSeverity.Information, rangeOf(text, 'facebook/opt-350m'), undefined],
    ]);
    assert.equal(
      diagnostics[0].message,
      'The tokenizer of facebook/opt-350m is not available here (not downloaded yet?), so its verbalizers were not checked.',
    );
  } finally {
    await server.stop();
  }
});
