import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readColaTsv } from '../../../server/core/data/cola';
import type { Example } from '../../../server/core/data/example';
import { countLabels } from '../../../server/core/data/example';
import { epochOrder, sampleDemonstrations, sampleFewShot, subsampleEval } from '../../../server/core/data/sampling';
import { DATA_ROOT } from './paths';

const pool = readColaTsv(join(DATA_ROOT, 'cola', 'in_domain_train.tsv'));

test('few-shot sample is balanced and deterministic for one data seed', () => {
  const a = sampleFewShot(pool, { numLabels: 2, perClass: 16, dataSeed: 3 });
  const b = sampleFewShot(pool, { numLabels: 2, perClass: 16, dataSeed: 3 });
  assert.deepEqual(a.indices, b.indices);
  assert.deepEqual(countLabels(a.examples, 2), [16, 16]);
  assert.equal(new Set(a.indices).size, 32, 'no example drawn twice');
  a.indices.forEach((poolIndex, i) => assert.equal(a.examples[i], pool[poolIndex]));
});

test('ten data seeds give ten different samples', () => {
  // The study this tool reproduces reused one sample for 9 of its 10 seeds; this must never happen.
  for (const perClass of [2, 16]) {
    const samples = Array.from({ length: 10 }, (_, seed) => sampleFewShot(pool, { numLabels: 2, perClass, dataSeed: seed }));
    const keys = samples.map((s) => [...s.indices].sort((x, y) => x - y).join(','));
    assert.equal(new Set(keys).size, 10, `n=${perClass}: samples repeat across seeds`);
  }
  // And they are not merely different by one example: two seeds' 16-per-class samples barely overlap.
  const s0 = new Set(sampleFewShot(pool, { numLabels: 2, perClass: 16, dataSeed: 0 }).indices);
  const s1 = sampleFewShot(pool, { numLabels: 2, perClass: 16, dataSeed: 1 }).indices;
  assert.ok(s1.filter((i) => s0.has(i)).length < 8);
});

test('the smaller sample of a seed is contained in the larger one', () => {
  const small = sampleFewShot(pool, { numLabels: 2, perClass: 16, dataSeed: 9 });
  const large = sampleFewShot(pool, { numLabels: 2, perClass: 64, dataSeed: 9 });
  const largeSet = new Set(large.indices);
  assert.ok(small.indices.every((i) => largeSet.has(i)));
});

test('a class with fewer examples than requested is an error naming the class', () => {
  const tiny: Example[] = [
    { fields: { sentence: 'a' }, label: 0 },
    { fields: { sentence: 'b' }, label: 1 },
    { fields: { sentence: 'c' }, label: 1 },
  ];
  assert.throws(
    () => sampleFewShot(tiny, { numLabels: 2, perClass: 2, dataSeed: 0, labelNames: ['unacceptable', 'acceptable'] }),
    /class "unacceptable" \(0\) has 1 example\(s\), 2 needed/,
  );
  assert.throws(() => sampleFewShot(tiny, { numLabels: 2, perClass: 0, dataSeed: 0 }), /positive integer/);
  assert.throws(() => sampleFewShot([{ fields: {}, label: 5 }], { numLabels: 2, perClass: 1, dataSeed: 0 }), /outside 0..1/);
});

test('demonstrations are balanced, exclude the query, and are not in label blocks', () => {
  const sample = sampleFewShot(pool, { numLabels: 2, perClass: 8, dataSeed: 1 }).examples;
  for (let query = 0; query < sample.length; query++) {
    const demos = sampleDemonstrations(sample, { numLabels: 2, perClass: 4, seed: 1, excludeIndex: query, stream: `q${query}` });
    assert.deepEqual(countLabels(demos.examples, 2), [4, 4]);
    assert.ok(!demos.indices.includes(query));
  }
  // With all examples of a class in use, excluding the query leaves too few.
  assert.throws(() => sampleDemonstrations(sample, { numLabels: 2, perClass: 8, seed: 1, excludeIndex: 0 }), /7 example\(s\), 8 needed/);
  // Order is shuffled: over seeds, the first demonstration is not always of the same label.
  const firstLabels = new Set(Array.from({ length: 20 }, (_, seed) => sampleDemonstrations(sample, { numLabels: 2, perClass: 2, seed }).examples[0].label));
  assert.equal(firstLabels.size, 2);
});

test('epoch order depends on the model seed and the epoch only', () => {
  const o = epochOrder(32, 5, 0);
  assert.deepEqual([...o].sort((a, b) => a - b), Array.from({ length: 32 }, (_, i) => i));
  assert.deepEqual(epochOrder(32, 5, 0), o);
  assert.notDeepEqual(epochOrder(32, 5, 1), o);
  assert.notDeepEqual(epochOrder(32, 6, 0), o);
});

test('eval subsample is fixed, ordered, and independent of trial seeds', () => {
  const items = Array.from({ length: 100 }, (_, i) => i);
  const a = subsampleEval(items, 10);
  assert.equal(a.length, 10);
  assert.deepEqual(subsampleEval(items, 10), a);
  assert.deepEqual([...a].sort((x, y) => x - y), a);
  assert.deepEqual(subsampleEval(items, 200), items);
});
