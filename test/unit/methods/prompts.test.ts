// The contexts of in-context learning and of the distillation teacher: balanced demonstrations
// from the trial's own sample, never the example itself, dropped from the front when too long.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { COLA_PROMPTING } from '../../../server/core/data/defaults';
import type { Example } from '../../../server/core/data/example';
import { buildIclPrompts, teacherPrompt } from '../../../server/core/methods/icl';
import { loadTokenizer } from '../../../server/core/tokenizer';
import { repoRoot } from './tinyModel';

const tokenizer = loadTokenizer(join(repoRoot, 'data/opt'));
const labelNames = ['unacceptable', 'acceptable'];
const pool: Example[] = [
  { fields: { sentence: 'Alpha ran home.' }, label: 1 },
  { fields: { sentence: 'Beta home ran the.' }, label: 0 },
  { fields: { sentence: 'Gamma sang loudly.' }, label: 1 },
  { fields: { sentence: 'Delta loudly the sang.' }, label: 0 },
];
const format = COLA_PROMPTING.icl['gpt-3'];
const setup = { format, labelNames, pool, perClass: 1, dataSeed: 5, tokenizer, maxTokens: 512 };

test('icl: each query sees one demonstration per class, with its verbalizer, then the query', () => {
  const p = buildIclPrompts([{ fields: { sentence: 'Query here.' }, label: 1 }], setup);
  const text = tokenizer.decode(p.sequences[0], { skipSpecial: true });
  assert.equal((text.match(/ answer: Yes/g) ?? []).length, 1);
  assert.equal((text.match(/ answer: No/g) ?? []).length, 1);
  assert.ok(text.endsWith('grammatical: Query here. Yes or No? answer:'), text);
  assert.equal(p.truncated, 0);
  assert.deepEqual(p.verbalizers, [' No', ' Yes']);
});

test('icl: a context over the limit drops demonstrations and is counted', () => {
  const p = buildIclPrompts([{ fields: { sentence: 'Query here.' }, label: 1 }], { ...setup, maxTokens: 20 });
  assert.equal(p.truncated, 1);
  assert.ok(p.sequences[0].length <= 20);
});

test('distill teacher: demonstrations come from the sample but never the example itself', () => {
  const patternFormat = { pattern: '{sentence} ?', targetPrefix: '', verbalizers: COLA_PROMPTING.verbalizers, separator: '\n\n' };
  for (let i = 0; i < pool.length; i++) {
    const ids = teacherPrompt(pool[i], i, { ...setup, format: patternFormat, context: 'demonstrations' });
    const text = tokenizer.decode(ids, { skipSpecial: true });
    const own = pool[i].fields.sentence;
    assert.equal(text.split(own).length - 1, 1, 'the example appears once, as the query');
    assert.ok(text.endsWith(`${own} ?`));
    assert.ok(pool.some((e, j) => j !== i && text.includes(e.fields.sentence)), 'a demonstration precedes it');
  }
  const instructed = teacherPrompt(pool[0], 0, { ...setup, format: patternFormat, context: 'instruction', instruction: 'Is the sentence grammatical?' });
  assert.ok(tokenizer.decode(instructed, { skipSpecial: true }).startsWith('Is the sentence grammatical?\n\nAlpha ran home. ?'));
});
