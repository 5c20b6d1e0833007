// A corpus of malformed experiment (*.ftlab.yaml) and pattern (*.ftlab-pattern) documents, by
// category: syntax errors, wrong types, huge numbers, negative sizes, unicode, empty documents,
// 10 MB documents, YAML anchor/alias bombs, deep nesting, binary data. Built in code (no fixture
// files to drift), deterministic for a given seed.

import { SeededRng } from './rng';

export interface MalformedDocument {
  category: string;
  name: string;
  languageId: 'ftlab-experiment' | 'ftlab-pattern';
  text: string;
}

const VALID = [
  'name: corpus',
  'models: [facebook/opt-125m]',
  'tasks: [cola]',
  'methods: [vanilla, pbft, lora]',
  'n: [2, 8]',
  'seeds: 2',
  'training: { epochs: 2, batchSize: 8, lr: 1.0e-5, maxLength: 64 }',
  'evaluation: { maxExamples: 100, batchSize: 16 }',
  'patterns:',
  '  cola: { pattern: "{sentence} ?", verbalizers: { unacceptable: " No", acceptable: " Yes" } }',
  '',
].join('\n');

const MB = 1024 * 1024;

function experiments(rng: SeededRng): [string, string, string][] {
  const swap = (from: string, to: string) => VALID.replace(from, to);
  const docs: [string, string, string][] = [];
  const add = (category: string, name: string, text: string) => docs.push([category, name, text]);

  // Syntax errors.
  add('syntax', 'unclosed flow sequence', swap('n: [2, 8]', 'n: [2, 8'));
  add('syntax', 'unclosed flow mapping', swap('training: { epochs: 2,', 'training: { epochs: 2'));
  add('syntax', 'unclosed double quote', swap('"{sentence} ?"', '"{sentence} ?'));
  add('syntax', 'unclosed single quote', swap('name: corpus', "name: 'corpus"));
  add('syntax', 'bad indentation', swap('  cola: {', '      cola: {').replace('patterns:', 'patterns:\n cola2: 1'));
  add('syntax', 'tab indentation', swap('  cola: {', '\tcola: {'));
  add('syntax', 'stray closing bracket', swap('seeds: 2', 'seeds: 2]'));
  add('syntax', 'colon soup', 'models: : :\n: tasks\n- - - :\n');
  add('syntax', 'mapping in a sequence item line', 'methods:\n  - vanilla: lora: pbft\n');
  add('syntax', 'duplicate keys', `${VALID}seeds: 3\nn: [4]\n`);
  add('syntax', 'unknown tag', swap('seeds: 2', 'seeds: !!python/object:os.system 2'));
  add('syntax', 'directive garbage', `%YAML 9.9\n%TAG ! !x\n---\n${VALID}`);
  add('syntax', 'several documents', `${VALID}---\n${VALID}---\nfoo\n`);
  add('syntax', 'block scalar gone wrong', 'name: |\n  a\n b\nmodels: >-\n');
  add('syntax', 'only punctuation', '{[}]{[}]:::---|||>>>***&&&!!!');
  for (let i = 0; i < 10; i++) {
    // Random single-character damage to the valid file.
    const at = rng.int(0, VALID.length - 1);
    add('syntax', `damaged at ${at}`, VALID.slice(0, at) + rng.pick(['[', ']', '{', '}', ':', '"', "'", '\t', '&', '*', '!', '|', '>', '-', '#']) + VALID.slice(at + 1));
  }

  // Wrong types.
  add('types', 'models a number', swap('models: [facebook/opt-125m]', 'models: 5'));
  add('types', 'models a mapping', swap('models: [facebook/opt-125m]', 'models: { a: 1 }'));
  add('types', 'n a string', swap('n: [2, 8]', 'n: "eight"'));
  add('types', 'n a list of lists', swap('n: [2, 8]', 'n: [[2], [8]]'));
  add('types', 'seeds a list of strings', swap('seeds: 2', 'seeds: [a, b]'));
  add('types', 'seeds a boolean', swap('seeds: 2', 'seeds: true'));
  add('types', 'training a number', swap('training: { epochs: 2, batchSize: 8, lr: 1.0e-5, maxLength: 64 }', 'training: 3'));
  add('types', 'lr a string', swap('lr: 1.0e-5', 'lr: fast'));
  add('types', 'epochs null', swap('epochs: 2', 'epochs: ~'));
  add('types', 'methods a string', swap('methods: [vanilla, pbft, lora]', 'methods: all'));
  add('types', 'method options a number', swap('methods: [vanilla, pbft, lora]', 'methods: { lora: 7, icl: [1] }'));
  add('types', 'patterns a list', swap('patterns:\n  cola:', 'patterns:\n  - cola:'));
  add('types', 'verbalizers a list', swap('verbalizers: { unacceptable: " No", acceptable: " Yes" }', 'verbalizers: [" No", " Yes"]'));
  add('types', 'data.custom a string', `${VALID}data: { custom: nope }\n`);
  add('types', 'custom task fields wrong', `${VALID.replace('tasks: [cola]', 'tasks: [mine]')}data:\n  custom:\n    mine: { train: 5, eval: [x], fields: yes, labels: 3 }\n`);
  add('types', 'document is a list', '- models\n- tasks\n');
  add('types', 'document is a scalar', '42\n');
  add('types', 'timestamps and binary scalars', 'name: 2001-12-14t21:59:43.10-05:00\nseeds: !!binary aGVsbG8=\n');

  // Huge numbers.
  add('huge', 'n 1e308', swap('n: [2, 8]', 'n: [1e308]'));
  add('huge', 'seeds beyond 2^53', swap('seeds: 2', 'seeds: 99999999999999999999999'));
  add('huge', 'lr 1e400 (infinity)', swap('lr: 1.0e-5', 'lr: 1e400'));
  add('huge', 'lr .inf', swap('lr: 1.0e-5', 'lr: .inf'));
  add('huge', 'lr .nan', swap('lr: 1.0e-5', 'lr: .nan'));
  add('huge', 'batchSize 2^53 + 1', swap('batchSize: 8', 'batchSize: 9007199254740993'));
  add('huge', 'epochs a billion', swap('epochs: 2', 'epochs: 1000000000'));
  add('huge', 'maxLength 10^12', swap('maxLength: 64', 'maxLength: 1000000000000'));
  add('huge', 'a 5000-digit number', swap('seeds: 2', `seeds: ${'9'.repeat(5000)}`));
  add('huge', 'a grid of a billion trials', swap('n: [2, 8]', `n: [${Array.from({ length: 1000 }, (_, i) => i + 1).join(', ')}]`).replace('seeds: 2', 'seeds: 1000000'));

  // Negative and zero sizes.
  add('negative', 'n negative', swap('n: [2, 8]', 'n: [-1, 0]'));
  add('negative', 'batchSize negative', swap('batchSize: 8', 'batchSize: -8'));
  add('negative', 'epochs negative', swap('epochs: 2', 'epochs: -1'));
  add('negative', 'seeds zero', swap('seeds: 2', 'seeds: 0'));
  add('negative', 'maxExamples negative', swap('maxExamples: 100', 'maxExamples: -5'));
  add('negative', 'lora rank negative', swap('methods: [vanilla, pbft, lora]', 'methods: { lora: { r: -4, alpha: -1 } }'));
  add('negative', 'lr negative zero', swap('lr: 1.0e-5', 'lr: -0.0'));
  add('negative', 'fractional sizes', swap('batchSize: 8', 'batchSize: 2.5').replace('n: [2, 8]', 'n: [0.5]'));

  // Unicode.
  add('unicode', 'emoji keys and values', `${VALID}😀: 🚀\nname2: "👩‍👩‍👧‍👦"\n`.replace('name: corpus', 'name: corpus 🚀'));
  add('unicode', 'right-to-left override', swap('name: corpus', 'name: "\u202Eevil\u202C"'));
  add('unicode', 'zero-width in a key', swap('seeds: 2', 'se\u200Beds: 2'));
  add('unicode', 'lone surrogates', swap('name: corpus', 'name: "\uD800x\uDFFF"'));
  add('unicode', 'combining marks', swap('name: corpus', `name: a${'\u0301'.repeat(2000)}`));
  add('unicode', 'NUL characters', swap('name: corpus', 'name: a\u0000b'));
  add('unicode', 'BOM in the middle', swap('seeds: 2', '\uFEFFseeds: 2'));
  add('unicode', 'line and paragraph separators', swap('seeds: 2', 'seeds: 2\u2028n: [1]\u2029'));
  add('unicode', 'CJK and astral plane', swap('name: corpus', 'name: 实验 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠀋'));
  add('unicode', 'fullwidth colon', swap('seeds: 2', 'seeds： 2'));
  add('unicode', 'CRLF and lone CR', VALID.replace(/\n/g, '\r\n').replace('seeds: 2\r\n', 'seeds: 2\r'));

  // Empty documents.
  add('empty', 'empty', '');
  add('empty', 'whitespace', '   \n\t\n  ');
  add('empty', 'newlines', '\n'.repeat(1000));
  add('empty', 'document marker', '---\n');
  add('empty', 'end marker', '...\n');
  add('empty', 'comment only', '# nothing here\n');
  add('empty', 'null document', '~\n');

  // 10 MB documents.
  add('10 MB', 'one 10 MB line', 'a'.repeat(10 * MB));
  add('10 MB', '10 MB of repeated keys', `${VALID}${'x: 1\n'.repeat((10 * MB) / 5)}`);
  add('10 MB', '10 MB comment', `# ${'c'.repeat(10 * MB)}\n${VALID}`);
  add('10 MB', '10 MB string value', swap('name: corpus', `name: "${'n'.repeat(10 * MB)}"`));

  // Anchor and alias bombs.
  const laughs = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 10; i++) laughs.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
  add('alias bomb', 'billion laughs', `${laughs.join('\n')}\n`);
  add('alias bomb', 'billion laughs under models', `models: &m [${Array(9).fill('[*m]').join(',')}]\n`);
  add('alias bomb', 'wide aliases in seeds', `seeds: [&p {data: 1, model: 1}${', *p'.repeat(50_000)}]\n`);
  add('alias bomb', 'self-referencing anchor', 'a: &a [*a, *a]\n');
  add('alias bomb', 'unknown alias', 'models: *nowhere\n');
  add('alias bomb', 'merge-key bomb', `base: &b {x: 1}\n${Array.from({ length: 2000 }, (_, i) => `k${i}: { <<: *b, y: ${i} }`).join('\n')}\n`);

  // Deep nesting.
  add('deep', '100 000 nested flow sequences', `n: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
  add('deep', '50 000 nested flow mappings', `training: ${'{a: '.repeat(50_000)}1${'}'.repeat(50_000)}\n`);
  add('deep', '5 000 nested block sequences', Array.from({ length: 5000 }, (_, i) => `${'  '.repeat(i)}- x`).join('\n'));
  add('deep', '3 000 nested block mappings', Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n');
  add('deep', 'unbalanced deep opening', `models: ${'['.repeat(200_000)}\n`);

  // Binary data.
  const bytes = (n: number) => Array.from({ length: n }, () => String.fromCharCode(rng.int(0, 255))).join('');
  add('binary', 'random bytes as latin-1', bytes(64 * 1024));
  add('binary', 'PNG header and garbage', `\u0089PNG\r\n\u001a\n${bytes(4096)}`);
  add('binary', 'NUL bytes', '\u0000'.repeat(10_000));
  add('binary', 'random UTF-16 code units', Array.from({ length: 20_000 }, () => String.fromCharCode(rng.int(0, 0xffff))).join(''));
  add('binary', 'valid file then binary', `${VALID}${bytes(2048)}`);
  add('binary', 'control characters', Array.from({ length: 5000 }, () => String.fromCharCode(rng.int(0, 31))).join(''));
  return docs;
}

function patterns(rng: SeededRng): [string, string, string][] {
  const docs: [string, string, string][] = [];
  const add = (category: string, name: string, text: string) => docs.push([category, name, text]);
  add('syntax', 'lone opening brace', '{sentence ?');
  add('syntax', 'lone closing brace', 'sentence} ?');
  add('syntax', 'nested braces', '{{{{sentence}}}} ?');
  add('syntax', 'empty placeholder', '{} ?');
  add('syntax', 'unknown placeholder', '{sentense} ?');
  add('syntax', 'placeholder with spaces and symbols', '{ sent ence$%} ?');
  add('empty', 'empty pattern', '');
  add('empty', 'whitespace pattern', ' \n\t ');
  add('unicode', 'unicode placeholder', '{句子} — {😀} \u202E?');
  add('unicode', 'lone surrogate', '{sentence}\uD800 ?');
  add('10 MB', '10 MB pattern', `{sentence} ${'x'.repeat(10 * MB)}`);
  add('10 MB', '100 000 placeholders', '{sentence}'.repeat(100_000));
  add('10 MB', '100 000 open braces', '{'.repeat(100_000));
  add('binary', 'binary pattern', Array.from({ length: 8192 }, () => String.fromCharCode(rng.int(0, 255))).join(''));
  add('binary', 'NUL pattern', '{sentence}\u0000\u0000 ?');
  add('deep', 'many lines', Array.from({ length: 50_000 }, (_, i) => `{f${i}}`).join('\n'));
  return docs;
}

export function malformedCorpus(seed: number): MalformedDocument[] {
  const rng = new SeededRng(seed);
  return [
    ...experiments(rng).map(([category, name, text]) => ({ category, name, languageId: 'ftlab-experiment' as const, text })),
    ...patterns(rng).map(([category, name, text]) => ({ category, name, languageId: 'ftlab-pattern' as const, text })),
  ];
}
