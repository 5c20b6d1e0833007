// Every kind of mistake in an experiment file gives its diagnostic at the exact range of the
// offending text, with the suggestion a quick fix needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DiagnosticSeverity } from '../../../protocol/experiment';
import { parseExperiment } from '../../../server/core/experiment/parse';
import { Code } from '../../../server/core/experiment/codes';
import { BASE, only, rangeOf, tempDir, withCode } from './helpers';

const parse = (text: string) => parseExperiment(text, { filePath: '/nonexistent-dir/t.ftlab.yaml' });

test('a valid file has no diagnostics and yields a spec', () => {
  const result = parse(BASE);
  assert.deepEqual(result.diagnostics, []);
  assert.ok(result.spec);
});

test('YAML syntax error: located at the parser position, no spec', () => {
  const text = 'name: t\nmodels: [facebook/opt-125m\ntasks: [cola]\n';
  const result = parse(text);
  const d = withCode(result.diagnostics, Code.yamlSyntax);
  assert.ok(d.length >= 1);
  assert.equal(d[0].severity, DiagnosticSeverity.Error);
  assert.ok(d[0].data?.yamlCode, 'carries the YAML parser code');
  assert.equal(d[0].range.start.line, 2, 'the unterminated flow list is noticed on the next line');
  assert.equal(result.spec, undefined);
});

test('unknown top-level key: the key is marked and the nearest key suggested', () => {
  const text = `${BASE}trainig:\n  epochs: 3\n`;
  const d = only(parse(text).diagnostics, Code.unknownKey);
  assert.deepEqual(d.range, { start: { line: 6, character: 0 }, end: { line: 6, character: 7 } });
  assert.deepEqual(d.range, rangeOf(text, 'trainig'));
  assert.equal(d.data?.suggestion, 'training');
  assert.match(d.message, /did you mean `training`/);
});

test('unknown nested key: snake_case is matched to camelCase', () => {
  const text = `${BASE}training:\n  batch_size: 8\n`;
  const d = only(parse(text).diagnostics, Code.unknownKey);
  assert.deepEqual(d.range, rangeOf(text, 'batch_size'));
  assert.equal(d.data?.suggestion, 'batchSize');
  assert.match(d.message, /in `training`/);
});

test('wrong type: a quoted number where a number belongs', () => {
  const text = `${BASE}training: { batchSize: "32" }\n`;
  const d = only(parse(text).diagnostics, Code.wrongType);
  assert.deepEqual(d.range, rangeOf(text, '"32"'));
  assert.match(d.message, /`training.batchSize`: expected a whole number, found the text "32"/);
});

test('wrong type: a mapping where a list or count belongs', () => {
  const text = BASE.replace('seeds: 1', 'seeds: { a: 1 }');
  const d = only(parse(text).diagnostics, Code.wrongType);
  assert.deepEqual(d.range, rangeOf(text, '{ a: 1 }'));
});

test('out of range: lr must be positive, warmupRatio at most 1', () => {
  const text = `${BASE}training:\n  lr: 0\n  warmupRatio: 1.5\n`;
  const [lr, warmup] = withCode(parse(text).diagnostics, Code.outOfRange);
  assert.deepEqual(lr.range, { start: { line: 7, character: 6 }, end: { line: 7, character: 7 } });
  assert.match(lr.message, /greater than 0/);
  assert.deepEqual(warmup.range, rangeOf(text, '1.5'));
});

test('huge and infinite numbers are out of range', () => {
  const text = `${BASE}training:\n  epochs: 1e400\n  batchSize: 99999999999999999999\n`;
  const ds = withCode(parse(text).diagnostics, Code.outOfRange);
  assert.equal(ds.length, 2);
  assert.deepEqual(ds[0].range, rangeOf(text, '1e400'));
  assert.match(ds[0].message, /finite/);
});

test('n must be a positive whole number', () => {
  const text = BASE.replace('n: [2]', 'n: [2, 16.5, 0, -3]');
  const diagnostics = parse(text).diagnostics;
  assert.deepEqual(only(diagnostics, Code.notInteger).range, rangeOf(text, '16.5'));
  const ranges = withCode(diagnostics, Code.outOfRange).map((d) => d.range);
  assert.deepEqual(ranges, [rangeOf(text, '0'), rangeOf(text, '-3')]);
});

test('unknown method in a list and in a mapping', () => {
  const listText = BASE.replace('[vanilla, pbft]', '[vanilla, lorra]');
  const d1 = only(parse(listText).diagnostics, Code.unknownMethod);
  assert.deepEqual(d1.range, rangeOf(listText, 'lorra'));
  assert.equal(d1.data?.suggestion, 'lora');
  const mapText = BASE.replace('methods: [vanilla, pbft]', 'methods:\n  vanilla:\n  pbfd:\n    loss: verbalizers\n');
  const d2 = only(parse(mapText).diagnostics, Code.unknownMethod);
  assert.deepEqual(d2.range, rangeOf(mapText, 'pbfd'));
  assert.equal(d2.data?.suggestion, 'pbft');
});

test('an empty method list or mapping', () => {
  for (const empty of ['[]', '{}']) {
    const text = BASE.replace('[vanilla, pbft]', empty);
    const d = only(parse(text).diagnostics, Code.tooFewItems);
    assert.deepEqual(d.range, rangeOf(text, empty));
  }
});

test('unknown task, with the nearest task suggested', () => {
  const text = BASE.replace('[cola]', '[cola, mnlii]');
  const d = only(parse(text).diagnostics, Code.unknownTask);
  assert.deepEqual(d.range, rangeOf(text, 'mnlii'));
  assert.equal(d.data?.suggestion, 'mnli');
});

test('unknown enum value with suggestion', () => {
  const text = `${BASE}training: { schedule: linaer }\n`;
  const d = only(parse(text).diagnostics, Code.unknownValue);
  assert.deepEqual(d.range, rangeOf(text, 'linaer'));
  assert.equal(d.data?.suggestion, 'linear');
});

test('a task listed twice', () => {
  const text = BASE.replace('[cola]', '[cola, mnli, cola]');
  const d = only(parse(text).diagnostics, Code.duplicateItem);
  assert.deepEqual(d.range, rangeOf(text, 'cola', 1));
});

test('a key without a value', () => {
  const text = `${BASE}training:\n  lr:\n`;
  const d = only(parse(text).diagnostics, Code.missingValue);
  assert.match(d.message, /`training.lr` has no value; expected a number/);
  assert.equal(d.range.start.line, 7);
});

test('an empty method entry takes the defaults', () => {
  const result = parse(BASE.replace('methods: [vanilla, pbft]', 'methods:\n  vanilla:\n  lora:\n    r: 4\n'));
  assert.deepEqual(result.diagnostics, []);
  assert.deepEqual(result.spec?.methods, ['vanilla', 'lora']);
  assert.equal(result.spec?.methodOptions.lora.r, 4);
  assert.equal(result.spec?.methodOptions.lora.alpha, 16);
});

test('unknown placeholder: exactly the placeholder, inside a quoted string with escapes before it', () => {
  const text = `${BASE}patterns:\n  cola:\n    pattern: "\\"Q\\":\\t{sentense} ?"\n`;
  const d = only(parse(text).diagnostics, Code.unknownPlaceholder);
  assert.deepEqual(d.range, rangeOf(text, '{sentense}'));
  assert.equal(d.data?.suggestion, 'sentence');
  assert.equal(d.data?.replacement, '{sentence}');
});

test('unknown placeholder in a block scalar, second of two', () => {
  const text = `${BASE.replace('[cola]', '[mnli]')}patterns:\n  mnli:\n    pattern: |-\n      {premise}\n      Question: {hypotesis}\n`;
  const d = only(parse(text).diagnostics, Code.unknownPlaceholder);
  assert.deepEqual(d.range, rangeOf(text, '{hypotesis}'));
});

test('bad placeholder syntax is located', () => {
  const text = `${BASE}patterns:\n  cola:\n    pattern: "{sentence} is {not ok} ?"\n`;
  const d = only(parse(text).diagnostics, Code.badPlaceholder);
  assert.deepEqual(d.range, rangeOf(text, '{not ok}'));
});

test('a pattern without placeholders is a warning; the spec is still given', () => {
  const text = `${BASE}patterns:\n  cola:\n    pattern: "Is it grammatical?"\n`;
  const result = parse(text);
  const d = only(result.diagnostics, Code.patternWithoutPlaceholder);
  assert.equal(d.severity, DiagnosticSeverity.Warning);
  assert.ok(result.spec);
});

test('a label without a verbalizer, and a verbalizer for no label', () => {
  const text = `${BASE}patterns:\n  cola:\n    pattern: "{sentence} ?"\n    verbalizers:\n      0: " No"\n      acceptabel: " Yes"\n`;
  const diagnostics = parse(text).diagnostics;
  const missing = only(diagnostics, Code.missingVerbalizer);
  assert.deepEqual(missing.range, rangeOf(text, 'verbalizers'));
  assert.match(missing.message, /acceptable \(1\)/);
  const unknown = only(diagnostics, Code.unknownLabel);
  assert.deepEqual(unknown.range, rangeOf(text, 'acceptabel'));
  assert.equal(unknown.data?.suggestion, 'acceptable');
});

test('two labels with one verbalizer', () => {
  const text = `${BASE}patterns:\n  cola:\n    verbalizers: { unacceptable: " Yes", acceptable: " Yes" }\n`;
  const d = only(parse(text).diagnostics, Code.duplicateVerbalizer);
  assert.deepEqual(d.range, rangeOf(text, '" Yes"', 1));
});

test('verbalizer keys may be label names or class indexes; the spec keys them by name', () => {
  const text = `${BASE}patterns:\n  cola:\n    verbalizers: { 0: " Bad", acceptable: " Good" }\n`;
  const result = parse(text);
  assert.deepEqual(result.diagnostics, []);
  assert.deepEqual(result.spec?.patterns.cola.verbalizers, { unacceptable: ' Bad', acceptable: ' Good' });
});

test('a pattern for a task that is not run is flagged as unused', () => {
  const text = `${BASE}patterns:\n  mnli:\n    pattern: "{premise} {hypothesis} ?"\n`;
  const d = only(parse(text).diagnostics, Code.unusedPattern);
  assert.deepEqual(d.range, rangeOf(text, 'mnli'));
  assert.equal(d.severity, DiagnosticSeverity.Warning);
});

test("GLUE's CoLA validation as in-domain eval is a known-flawed setting", () => {
  const text = `${BASE}data:\n  cola:\n    inDomainEval: glue-validation\n`;
  const result = parse(text);
  const d = only(result.diagnostics, Code.colaGlueValidationFlaw);
  assert.equal(d.severity, DiagnosticSeverity.Warning);
  assert.deepEqual(d.range, rangeOf(text, 'glue-validation'));
  assert.equal(d.data?.replacement, 'in-domain-dev');
  assert.ok(result.spec, 'a warning does not block the run');
});

test('distillation from an instruction needs the instruction', () => {
  const text = BASE.replace('methods: [vanilla, pbft]', 'methods:\n  distill:\n    context: instruction\n');
  const d = only(parse(text).diagnostics, Code.missingInstruction);
  assert.deepEqual(d.range, rangeOf(text, 'instruction', 0));
});

test('ICL demonstrations beyond the smallest n are a warning', () => {
  const text = BASE.replace('methods: [vanilla, pbft]', 'methods:\n  icl:\n    k: 4\n');
  const d = only(parse(text).diagnostics, Code.demonstrationsExceedN);
  assert.deepEqual(d.range, rangeOf(text, '4'));
});

test('a seed pair given twice', () => {
  const text = BASE.replace('seeds: 1', 'seeds: [3, {data: 3, model: 3}]');
  const d = only(parse(text).diagnostics, Code.duplicateSeedPair);
  assert.deepEqual(d.range, rangeOf(text, '{data: 3, model: 3}'));
});

test('a Hub id that is not one', () => {
  const text = BASE.replace('[facebook/opt-125m]', '["facebook/opt 125m"]');
  const d = only(parse(text).diagnostics, Code.invalidModelName);
  assert.deepEqual(d.range, rangeOf(text, '"facebook/opt 125m"'));
});

test('LoRA rank, frozen layers and lengths against a real local model config (hidden 64, 2 layers, 64 positions)', () => {
  const model = resolve('test/fixtures/reference/tiny-opt-prenorm');
  const text = `models: [${model}]\ntasks: [cola]\nmethods:\n  lora: { r: 128 }\n  adaptive: { frozenLayers: 3 }\n  icl: { maxLength: 100 }\nn: [2]\nseeds: 1\n`;
  const diagnostics = parse(text).diagnostics;
  assert.deepEqual(only(diagnostics, Code.loraRankTooLarge).range, rangeOf(text, '128'));
  assert.match(only(diagnostics, Code.loraRankTooLarge).message, /hidden size 64/);
  assert.deepEqual(only(diagnostics, Code.frozenLayersTooMany).range, rangeOf(text, '3'));
  const lengths = withCode(diagnostics, Code.maxLengthTooLarge);
  assert.equal(lengths.length, 2);
  // The default training.maxLength (128) is not in the file: shown on the model it does not fit.
  assert.deepEqual(lengths[0].range, rangeOf(text, model));
  assert.match(lengths[0].message, /\(the default\)/);
  assert.deepEqual(lengths[1].range, rangeOf(text, '100'));
});

test('LoRA rank against a known Hub model shape', () => {
  const text = BASE.replace('methods: [vanilla, pbft]', 'methods:\n  lora: { r: 1024 }');
  const d = only(parse(text).diagnostics, Code.loraRankTooLarge);
  assert.match(d.message, /768/);
});

test('local model folders and custom data files resolve against the experiment file', () => {
  const { dir, cleanup } = tempDir('paths');
  try {
    writeFileSync(join(dir, 'train.jsonl'), '{"text":"a","label":"pos"}\n');
    const text = [
      'models: [./no-such-model]',
      'tasks: [reviews]',
      'methods: [vanilla]',
      'n: [2]',
      'seeds: 1',
      'data:',
      '  custom:',
      '    reviews:',
      '      train: train.jsonl',
      '      eval: missing-dev.jsonl',
      '      ood: notes.txt',
      '      fields: [text]',
      '      labels: [neg, pos]',
      '',
    ].join('\n');
    const diagnostics = parseExperiment(text, { filePath: join(dir, 'x.ftlab.yaml') }).diagnostics;
    const model = only(diagnostics, Code.modelFolderNotFound);
    assert.deepEqual(model.range, rangeOf(text, './no-such-model'));
    assert.ok(model.message.includes(join(dir, 'no-such-model')));
    const missing = withCode(diagnostics, Code.dataFileNotFound);
    assert.deepEqual(missing.map((d) => d.range), [rangeOf(text, 'missing-dev.jsonl'), rangeOf(text, 'notes.txt')]);
    assert.deepEqual(only(diagnostics, Code.dataFormatUnknown).range, rangeOf(text, 'notes.txt'));
  } finally {
    cleanup();
  }
});

test('a custom task needs its required keys, and a pattern when a method uses one', () => {
  const text = `models: [facebook/opt-125m]\ntasks: [mine]\nmethods: [pbft]\nn: [2]\nseeds: 1\ndata:\n  custom:\n    mine:\n      train: /abs/train.jsonl\n      labels: [a, b]\n`;
  const diagnostics = parseExperiment(text).diagnostics;
  const missing = withCode(diagnostics, Code.missingKey);
  assert.deepEqual(missing.map((d) => d.data?.suggestion), ['eval', 'fields']);
  assert.deepEqual(missing[0].range, rangeOf(text, 'mine', 1));
  const needs = only(diagnostics, Code.missingPattern);
  assert.deepEqual(needs.range, rangeOf(text, 'mine'));
});

test('a custom task cannot take a built-in name, and the prompt formats are only for built-in tasks', () => {
  const text = `tasks: [cola, mine]\nmethods:\n  icl: { format: gpt-3 }\nn: [2]\nseeds: 1\ndata:\n  custom:\n    cola: { train: /a.jsonl, eval: /b.jsonl, fields: [t], labels: [x, y] }\n    mine: { train: /a.jsonl, eval: /b.jsonl, fields: [t], labels: [x, y] }\npatterns:\n  mine: { pattern: "{t} ?", verbalizers: { x: " A", y: " B" } }\n`;
  const diagnostics = parseExperiment(text).diagnostics;
  assert.deepEqual(only(diagnostics, Code.customTaskShadowsBuiltin).range, rangeOf(text, 'cola', 1));
  assert.deepEqual(only(diagnostics, Code.iclFormatUnavailable).range, rangeOf(text, 'gpt-3'));
});

test('an unsaved file (no path) skips relative file checks instead of guessing', () => {
  const text = BASE.replace('[facebook/opt-125m]', '[./local-model]');
  const result = parseExperiment(text);
  assert.deepEqual(withCode(result.diagnostics, Code.modelFolderNotFound), []);
});

test('diagnostics come sorted by position', () => {
  const text = `${BASE}trainig: 1\ntraining: { lr: -1 }\nbogus: 2\n`;
  const lines = parse(text).diagnostics.map((d) => d.range.start.line);
  assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
});
