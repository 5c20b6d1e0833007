// Hover through the real server: the schema's documentation of keys (with type and default), what
// tasks, methods and labels are, and on a verbalizer its tokens and ids under the tokenizer of
// every model the file names (the real OPT tokenizer in a local folder; a Hub id not downloaded).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MarkupKind, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { EXPERIMENT_LANGUAGE_ID, PATTERN_LANGUAGE_ID } from '../../protocol/lsp';
import { fileUri, makeOptFolder, positionOf, rangeOf, tempDir } from './lib/fixtures';
import { hoverAt } from './lib/requests';
import { startServer, type ServerUnderTest } from './lib/serverProcess';

const text = [
  'models: [./opt-local, facebook/opt-350m]',
  'tasks: [cola]',
  'methods: [pbft, lora]',
  'training:',
  '  lr: 1.0e-4',
  'patterns:',
  '  cola:',
  '    pattern: "{sentence} ?"',
  '    verbalizers:',
  '      unacceptable: "Wrong"',
  '      acceptable: " Yes"',
  '',
].join('\n');

let server: ServerUnderTest;
let uri: string;

before(async () => {
  const dir = tempDir();
  makeOptFolder(join(dir, 'opt-local'));
  server = await startServer(undefined, { env: { HF_HUB_CACHE: tempDir() } });
  uri = fileUri(join(dir, 'hover.ftlab.yaml'));
  await server.openDocument(uri, EXPERIMENT_LANGUAGE_ID, text);
});
after(() => server.stop());

/** The hover on the `occurrence`-th `needle` (one character into it) and the range it covers. */
async function hover(needle: string, occurrence = 0) {
  const range = rangeOf(text, needle, occurrence);
  const result = await hoverAt(server, uri, { line: range.start.line, character: range.start.character + 1 });
  assert.ok(result, `a hover on ${needle}`);
  const contents = result.contents as MarkupContent;
  assert.equal(contents.kind, MarkupKind.Markdown);
  return { markdown: contents.value, range: result.range };
}

test('keys show their documentation, type and default', async () => {
  assert.deepEqual(await hover('lr'), {
    markdown: '**training.lr** · `number`\n\nPeak learning rate.\n\nDefault: `0.00001`',
    range: rangeOf(text, 'lr'),
  });
  assert.deepEqual(await hover('training'), {
    markdown: "**training** · `mapping`\n\nOptimization settings, shared by every trained method (the study's: AdamW, linear decay after warmup).",
    range: rangeOf(text, 'training'),
  });
  const pattern = await hover('pattern:');
  assert.match(pattern.markdown, /^\*\*patterns\.cola\.pattern\*\* · `text`\n\nText with `\{field\}` placeholders/);
});

test('tasks, methods and labels say what they are', async () => {
  assert.deepEqual(await hover('cola'), {
    markdown:
      '**cola**: CoLA (grammatical acceptability). Train: in_domain_train; in-domain eval: in_domain_dev (527); OOD eval: out_of_domain_dev (516).',
    range: rangeOf(text, 'cola'),
  });
  const lora = await hover('lora');
  assert.match(lora.markdown, /^\*\*lora\*\* \(LoRA\)\n\nLoRA: the base weights stay frozen/);
  assert.deepEqual(await hover('unacceptable'), {
    markdown: '**Label `unacceptable`** (class 0) of cola\n\nIts verbalizer: the one token the model should predict for this label.',
    range: rangeOf(text, 'unacceptable'),
  });
});

test('a verbalizer shows its tokens and ids under each model, and says where there is no tokenizer', async () => {
  assert.deepEqual(await hover('" Yes"'), {
    markdown: [
      '**Verbalizer** `" Yes"` of label `acceptable` (class 1) in cola',
      '',
      '| model | tokens | ids |',
      '| --- | --- | --- |',
      '| ./opt-local | `ĠYes` | 3216 |',
      '| facebook/opt-350m | tokenizer not available here (not downloaded) | |',
    ].join('\n'),
    range: rangeOf(text, '" Yes"'),
  });
  const wrong = await hover('"Wrong"');
  assert.equal(wrong.markdown.split('\n')[4], '| ./opt-local | `Wr` `ong` — 2 tokens; a verbalizer must be one | 44142, 1657 |');
});

test('no hover off the schema, on unknown keys, or in pattern files', async () => {
  const uri2 = fileUri(join(tempDir(), 'unknown.ftlab.yaml'));
  await server.openDocument(uri2, EXPERIMENT_LANGUAGE_ID, 'traning:\n  lr: 1\n');
  assert.equal(await hoverAt(server, uri2, positionOf('traning', 2)), null);
  const patternUri = fileUri(join(tempDir(), 'p.ftlab-pattern'));
  await server.openDocument(patternUri, PATTERN_LANGUAGE_ID, '{sentence} ?');
  assert.equal(await hoverAt(server, patternUri, { line: 0, character: 2 }), null);
});
