// Every tokenizer case of the reference fixtures: ids with and without the prepended `</s>`, token
// strings where the golden has them, and decoding — through tokenizer.json where the case has one,
// and always through the tokenizer.json we assemble from vocab.json + merges.txt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer, type TokenizerSource } from '../../../server/core/tokenizer/tokenizer';
import { tokenizerCases } from './referenceCases';

interface GoldenCase {
  text: string;
  ids: number[];
  ids_no_special: number[];
  tokens?: string[];
  decoded: string;
}

interface Golden {
  cases: GoldenCase[];
  pair_example?: { a: string; b: string; ids: number[] };
  special?: Record<string, number>;
}

const cases = tokenizerCases();

test('the reference fixtures hold the tiny and the real OPT tokenizer cases', () => {
  assert.ok(cases.length >= 2, `found ${cases.map((c) => c.name)}`);
});

for (const { name, dir } of cases) {
  const golden: Golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8'));
  const sources: TokenizerSource[] = existsSync(join(dir, 'tokenizer.json')) ? ['tokenizer.json', 'vocab+merges'] : ['vocab+merges'];
  for (const source of sources) {
    test(`${name} from ${source}: ${golden.cases.length} golden encodings and decodings`, () => {
      const tok = loadTokenizer(dir, { source });
      assert.equal(tok.source, source);
      for (const c of golden.cases) {
        const label = JSON.stringify(c.text);
        assert.deepEqual(tok.encode(c.text), c.ids, `ids of ${label}`);
        assert.deepEqual(tok.encode(c.text, { addSpecial: false }), c.ids_no_special, `ids without special tokens of ${label}`);
        if (c.tokens) assert.deepEqual(tok.tokenize(c.text), c.tokens, `tokens of ${label}`);
        assert.equal(tok.decode(c.ids_no_special), c.decoded, `decoding of ${label}`);
      }
      // The goldens name their special ids either by role (`pad`, `bos`) or by token (`<pad>`, `</s>`).
      assert.equal(tok.padId, golden.special?.pad ?? golden.special?.['<pad>'] ?? 1);
      assert.equal(tok.bosId, golden.special?.bos ?? golden.special?.['</s>'] ?? 2);
    });
  }
  if (golden.pair_example) {
    const pair = golden.pair_example;
    test(`${name}: a pair of sentences gets </s> before each`, () => {
      assert.deepEqual(loadTokenizer(dir, { source: 'vocab+merges' }).encode(pair.a, { pair: pair.b }), pair.ids);
    });
  }
}
