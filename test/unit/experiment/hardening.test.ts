// Hostile and malformed experiment files: the parser never throws, never hits its own internal-error
// guard, always answers with located diagnostics, and does so in bounded time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { ExperimentParseResult } from '../../../protocol/experiment';
import { loadExperimentFile, parseExperiment } from '../../../server/core/experiment/parse';
import { Code } from '../../../server/core/experiment/codes';
import { rangeOf, tempDir } from './helpers';

/** Loose bound: a 2-core CI machine under load, not a benchmark. */
const TIME_LIMIT_MS = 3000;

function parseChecked(text: string): ExperimentParseResult {
  const started = performance.now();
  const result = parseExperiment(text);
  const elapsed = performance.now() - started;
  assert.ok(elapsed < TIME_LIMIT_MS, `took ${elapsed.toFixed(0)} ms`);
  assertWellFormed(text, result);
  return result;
}

/** No internal errors, and every range lies inside the text. */
function assertWellFormed(text: string, result: ExperimentParseResult): void {
  // Lines as LSP counts them: \n, \r\n and a lone \r each end one.
  const lines = text.split(/\r\n|\r|\n/);
  for (const d of result.diagnostics) {
    assert.notEqual(d.code, Code.internalError, d.message);
    for (const p of [d.range.start, d.range.end]) {
      assert.ok(p.line >= 0 && p.line < Math.max(1, lines.length), `line ${p.line} of ${lines.length}: ${d.message}`);
      assert.ok(p.character >= 0 && p.character <= (lines[p.line]?.length ?? 0), `character ${p.character}: ${d.message}`);
    }
    assert.ok(d.range.start.line < d.range.end.line || (d.range.start.line === d.range.end.line && d.range.start.character <= d.range.end.character));
  }
  if (result.spec === undefined) assert.ok(result.diagnostics.some((d) => d.severity === 1), 'no spec means an error says why');
}

const codes = (r: ExperimentParseResult) => r.diagnostics.map((d) => d.code);

test('billion laughs: nested anchors and aliases', () => {
  const levels = ['lol: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const result = parseChecked(`${levels.join('\n')}\n`);
  assert.equal(result.spec, undefined);
  // The same bomb where the validator descends: the tasks list of lists.
  const inTasks = parseChecked(`tasks: &t [${Array(9).fill('[*t]').join(',')}]\nmodels: &m [${Array(200).fill('*m').join(',')}]\n`);
  assert.equal(inTasks.spec, undefined);
});

test('wide alias expansion hits the visit budget with one diagnostic', () => {
  const text = `seeds: [&p {data: 1, model: 1}${', *p'.repeat(30_000)}]\n`;
  const result = parseChecked(text);
  assert.ok(codes(result).includes(Code.tooComplex));
  assert.ok(result.diagnostics.length <= 201, `${result.diagnostics.length} diagnostics`);
});

test('an anchor that contains its own alias', () => {
  const result = parseChecked('tasks: &t [cola, *t]\nmethods: &m {vanilla: *m}\n');
  assert.equal(result.spec, undefined);
});

test('an alias to an unknown anchor', () => {
  const text = 'tasks: *nope\n';
  const result = parseChecked(text);
  assert.ok(codes(result).some((c) => c === Code.unknownAnchor || c === Code.yamlSyntax));
});

test('deep nesting, flow and block, is refused before the YAML parser can overflow its stack', () => {
  for (const depth of [100, 10_000, 40_000]) {
    const flow = parseChecked(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    assert.deepEqual(codes(flow), [Code.tooDeep]);
    const flowMap = parseChecked(`training: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`);
    assert.deepEqual(codes(flowMap), [Code.tooDeep]);
  }
  const block = Array.from({ length: 600 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
  assert.deepEqual(codes(parseChecked(block)), [Code.tooDeep]);
  const dashes = parseChecked(`${'- '.repeat(3000)}x\n`);
  assert.deepEqual(codes(dashes), [Code.tooDeep]);
  // Real files nest far less than the limit and are not refused.
  assert.ok(!codes(parseChecked('methods:\n  lora:\n    targetModules:\n      - q_proj\n')).includes(Code.tooDeep));
});

test('a 10 MB file is refused without being parsed, from text and from disk', () => {
  const huge = 'name: x\n' + '# padding padding padding padding padding padding padding\n'.repeat(180_000);
  assert.ok(huge.length > 10_000_000);
  const result = parseChecked(huge);
  assert.deepEqual(codes(result), [Code.fileTooLarge]);
  assert.deepEqual(result.diagnostics[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 7 } });
  const { dir, cleanup } = tempDir('huge');
  try {
    writeFileSync(join(dir, 'huge.ftlab.yaml'), huge);
    const started = performance.now();
    assert.deepEqual(codes(loadExperimentFile(join(dir, 'huge.ftlab.yaml'))), [Code.fileTooLarge]);
    assert.ok(performance.now() - started < TIME_LIMIT_MS);
  } finally {
    cleanup();
  }
});

test('binary data: as text and as a file that is not UTF-8', () => {
  const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
  assert.deepEqual(codes(parseChecked(bytes.toString('latin1'))), [Code.binaryFile]);
  assert.deepEqual(codes(parseChecked(bytes.toString('utf8'))), [Code.binaryFile]);
  assert.deepEqual(codes(parseChecked('name: a\u0000b\n')), [Code.binaryFile]);
  const { dir, cleanup } = tempDir('binary');
  try {
    writeFileSync(join(dir, 'bin.ftlab.yaml'), Buffer.from([0x6e, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    assert.deepEqual(codes(loadExperimentFile(join(dir, 'bin.ftlab.yaml'))), [Code.binaryFile]);
  } finally {
    cleanup();
  }
});

test('empty files and files without content', () => {
  for (const text of ['', '\n', '   \n\t\n', '# only a comment\n', '---\n', '---\n...\n']) {
    const result = parseChecked(text);
    assert.deepEqual(codes(result), [Code.emptyFile], JSON.stringify(text));
  }
});

test('a document that is not a mapping', () => {
  for (const text of ['- cola\n- mnli\n', '42\n', '"just text"\n', 'null\n', '~\n']) {
    const result = parseChecked(text);
    assert.equal(result.spec, undefined, text);
    assert.ok(codes(result).some((c) => c === Code.wrongType || c === Code.emptyFile), `${text} → ${codes(result)}`);
  }
});

test('several documents, duplicate keys, tabs, unknown tags', () => {
  assert.ok(codes(parseChecked('name: a\n---\nname: b\n')).includes(Code.yamlSyntax));
  assert.ok(codes(parseChecked('name: a\nname: b\n')).includes(Code.yamlSyntax));
  assert.ok(codes(parseChecked('training:\n\tlr: 1\n')).includes(Code.yamlSyntax));
  const tagged = parseChecked('name: !custom x\nn: !!binary AAAA\n');
  assert.ok(tagged.diagnostics.length > 0);
});

test('unicode: ranges count UTF-16 code units, as LSP positions do', () => {
  const text = 'name: "😀 emoji"\ntasks: [cola, "😀x"]\n';
  const result = parseChecked(text);
  const d = result.diagnostics.find((x) => x.code === Code.unknownTask);
  assert.deepEqual(d?.range, rangeOf(text, '"😀x"'));
  assert.equal(d?.range.end.character - (d?.range.start.character ?? 0), 5, 'quotes + 2 code units + x');
  assert.ok(parseChecked('name: שלום\nmodels: [facebook/opt-125m]\ntasks: [cola]\n').spec);
});

test('CRLF line endings keep positions right', () => {
  const text = 'name: t\r\ntrainig: 1\r\n';
  const d = parseChecked(text).diagnostics.find((x) => x.code === Code.unknownKey);
  assert.deepEqual(d?.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 7 } });
});

test('huge numbers, negative sizes, wrong signs', () => {
  const text = 'n: [-2, 1e309, 0x7fffffffffffffff]\nseeds: -3\ntraining: { epochs: -1, lr: -1e-5, batchSize: .nan, maxLength: .inf }\n';
  const result = parseChecked(text);
  assert.equal(result.spec, undefined);
  assert.ok(result.diagnostics.filter((d) => d.code === Code.outOfRange).length >= 6, codes(result).join(', '));
});

test('keys like __proto__ and constructor are data, not object structure', () => {
  const text = [
    'tasks: [constructor, __proto__, toString]',
    'training: { __proto__: { lr: 5 } }',
    'patterns:',
    '  __proto__: { pattern: "{x}" }',
    '  constructor: { pattern: "{x}" }',
    'data:',
    '  custom:',
    '    __proto__: { train: /a.jsonl, eval: /b.jsonl, fields: [x], labels: [__proto__, constructor] }',
    '',
  ].join('\n');
  const result = parseChecked(text);
  assert.equal(({} as Record<string, unknown>).lr, undefined);
  assert.equal(({} as Record<string, unknown>).pattern, undefined);
  assert.ok(codes(result).includes(Code.unknownKey), 'training.__proto__ is an unknown key');
  assert.deepEqual(
    result.diagnostics.filter((d) => d.code === Code.unknownTask).map((d) => d.range),
    [rangeOf(text, 'constructor'), rangeOf(text, 'toString')],
  );
});

test('a long single line within the size limit is fast', () => {
  parseChecked(`description: "${'x'.repeat(200_000)}"\n`);
  parseChecked(`tasks: [${Array(20_000).fill('cola').join(', ')}]\n`);
});

test('property: arbitrary strings never break the parser', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
      assertWellFormed(text, parseExperiment(text));
    }),
    { numRuns: 200 },
  );
});

const TOKENS = [
  'name', 'models', 'tasks', 'methods', 'n', 'seeds', 'training', 'lr', 'epochs', 'patterns', 'cola', 'mnli', 'pattern',
  'verbalizers', 'lora', 'r', 'icl', 'data', 'custom', 'fields', 'labels', 'vanilla', 'facebook/opt-125m', './m',
  ': ', ':', '\n', '  ', '    ', '- ', '[', ']', '{', '}', ', ', '&a ', '*a', '&b ', '*b', '"', "'", '#', '|', '>-', '---',
  '0', '2', '-1', '1e-5', '.inf', 'null', '~', 'true', '{sentence}', '{', '\\', '\t', '\r\n', '😀', '?', '!!str ', '%YAML 1.2',
];

test('property: YAML-ish token soup never breaks the parser', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }), (tokens) => {
      const text = tokens.join('');
      assertWellFormed(text, parseExperiment(text));
    }),
    { numRuns: 500 },
  );
});

test('property: well-formed YAML of random values under the real keys never breaks the validator', () => {
  const keys = ['name', 'models', 'tasks', 'methods', 'n', 'seeds', 'training', 'evaluation', 'patterns', 'data', 'provider', 'threads', 'x'];
  const value = fc.oneof(fc.anything({ maxDepth: 3 }), fc.dictionary(fc.constantFrom('lr', 'r', 'k', 'cola', 'custom', 'lora', 'icl', 'format', 'pattern'), fc.anything({ maxDepth: 2 })));
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom(...keys), value), (doc) => {
      let text: string;
      try {
        text = stringify(doc);
      } catch {
        return; // values YAML cannot write (e.g. symbols) are not inputs
      }
      assertWellFormed(text, parseExperiment(text));
    }),
    { numRuns: 200 },
  );
});
