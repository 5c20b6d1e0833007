import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer, TokenizerError } from '../../../server/core/tokenizer/tokenizer';

const repo = join(__dirname, '../../..');
const optDir = join(repo, 'data/opt'); // the real OPT tokenizer files the product ships with
const tinyDir = join(repo, 'test/fixtures/reference/tokenizer');
const opt = loadTokenizer(optDir);

test('OPT: special ids, vocabulary size, token lookups both ways', () => {
  assert.equal(opt.source, 'vocab+merges');
  assert.equal(opt.padId, 1);
  assert.equal(opt.bosId, 2);
  assert.equal(opt.eosId, 2);
  assert.equal(opt.vocabSize, 50265);
  assert.equal(opt.tokenId('</s>'), 2);
  assert.equal(opt.tokenId('ĠYes'), 3216);
  assert.equal(opt.idToken(3216), 'ĠYes');
  assert.equal(opt.tokenId('no such token'), undefined);
});

test('a verbalizer that is one token, and one that is not', () => {
  assert.deepEqual(opt.splitIntoTokens(' Yes'), { single: true, id: 3216, tokens: [{ token: 'ĠYes', id: 3216, text: ' Yes' }] });
  assert.deepEqual(opt.splitIntoTokens(' entailment'), {
    single: false,
    tokens: [{ token: 'Ġentail', id: 31648, text: ' entail' }, { token: 'ment', id: 1757, text: 'ment' }],
  });

  const tiny = loadTokenizer(tinyDir);
  assert.deepEqual(tiny.splitIntoTokens(' Yes').tokens.map((t) => [t.token, t.id, t.text]), [['ĠY', 391, ' Y'], ['es', 296, 'es']]);
  assert.deepEqual(tiny.splitIntoTokens('').tokens, []);
});

test('special tokens inside text are matched whole; decode can skip them', () => {
  assert.deepEqual(opt.encode('a</s>b', { addSpecial: false }), [102, 2, 428]);
  assert.deepEqual(opt.encode('<pad>'), [2, 1]);
  assert.equal(opt.decode([2, 102, 1]), '</s>a<pad>');
  assert.equal(opt.decode([2, 102, 1], { skipSpecial: true }), 'a');
  assert.equal(opt.decode([]), '');
});

test('tokenizer_config.json decides BOS, pad and extra special tokens when building from vocab + merges', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftlab-tok-'));
  try {
    copyFileSync(join(tinyDir, 'vocab.json'), join(dir, 'vocab.json'));
    copyFileSync(join(tinyDir, 'merges.txt'), join(dir, 'merges.txt'));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({
      add_bos_token: false,
      pad_token: { __type: 'AddedToken', content: '<unk>' },
      additional_special_tokens: ['<mask>'],
    }));
    const tok = loadTokenizer(dir);
    assert.equal(tok.bosId, undefined);
    assert.equal(tok.padId, 3);
    assert.deepEqual(tok.encode('a'), tok.encode('a', { addSpecial: false }));
    assert.deepEqual(tok.encode('<mask>', { addSpecial: false }), [512], 'a new special token gets the next id');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad folders give errors naming the folder or the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftlab-tok-'));
  const fails = (pattern: RegExp, options?: Parameters<typeof loadTokenizer>[1]) =>
    assert.throws(() => loadTokenizer(dir, options), (e: unknown) => {
      assert.ok(e instanceof TokenizerError, String(e));
      assert.match(e.message, pattern);
      return true;
    });
  try {
    fails(/no tokenizer found: expected tokenizer\.json, or vocab\.json and merges\.txt/);
    writeFileSync(join(dir, 'vocab.json'), '{"a": 0,');
    fails(/merges\.txt: missing/, { source: 'vocab+merges' });
    writeFileSync(join(dir, 'merges.txt'), '#version: 0.2\na b\n');
    fails(/vocab\.json: invalid JSON/);
    writeFileSync(join(dir, 'vocab.json'), '{"a": 0, "b": "one"}');
    fails(/vocab\.json: token "b" has id "one", not an index/);
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify({ '<pad>': 1, '</s>': 2, a: 3, b: 4 }));
    writeFileSync(join(dir, 'merges.txt'), '#version: 0.2\na b\nab\n');
    fails(/merges\.txt:3: a merge is two tokens separated by one space, got "ab"/);
    writeFileSync(join(dir, 'merges.txt'), '#version: 0.2\na b\n');
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify({ a: 3, b: 4 }));
    fails(/vocab\.json: special token "<\/s>" is not in the vocabulary/);
    writeFileSync(join(dir, 'tokenizer.json'), '{"model": {"type": "Nonsense"}}');
    fails(/tokenizer\.json: cannot build the tokenizer/);
    writeFileSync(join(dir, 'tokenizer_config.json'), '[');
    fails(/tokenizer_config\.json: invalid JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
