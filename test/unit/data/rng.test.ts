import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, fmix32, permutation, shuffleInPlace } from '../../../server/core/data/rng';

const draw = (seed: number, stream: string, n: number): number[] => {
  const rng = createRng(seed, stream);
  return Array.from({ length: n }, () => rng.nextUint32());
};

test('same seed and stream replay the same numbers', () => {
  assert.deepEqual(draw(42, 'a', 20), draw(42, 'a', 20));
});

test('seeds and streams give different sequences', () => {
  const base = draw(0, 'x', 8);
  assert.notDeepEqual(draw(1, 'x', 8), base);
  assert.notDeepEqual(draw(0, 'y', 8), base);
  // Seeds that differ only above 32 bits, and negative seeds, are distinct too.
  assert.notDeepEqual(draw(2 ** 32, 'x', 8), base);
  assert.notDeepEqual(draw(-1, 'x', 8), draw(2 ** 32 - 1, 'x', 8));
});

test('fmix32 is the murmur3 finalizer (known values)', () => {
  assert.equal(fmix32(0), 0);
  // Independently computed: fmix32(1) of MurmurHash3's finalizer.
  assert.equal(fmix32(1), 0x514e28b7);
});

test('nextInt stays in range and is roughly uniform (chi-square)', () => {
  const rng = createRng(7, 'uniform');
  const bins = new Array(10).fill(0);
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const v = rng.nextInt(10);
    assert.ok(v >= 0 && v < 10 && Number.isInteger(v));
    bins[v]++;
  }
  const expected = n / 10;
  const chi2 = bins.reduce((s, b) => s + ((b - expected) ** 2) / expected, 0);
  assert.ok(chi2 < 27.88, `chi-square ${chi2} above the 0.001 critical value for 9 df`); // χ²(9) 0.999 quantile
  assert.throws(() => rng.nextInt(0));
  assert.throws(() => createRng(1.5));
});

test('nextFloat is in [0, 1)', () => {
  const rng = createRng(3);
  for (let i = 0; i < 1000; i++) {
    const f = rng.nextFloat();
    assert.ok(f >= 0 && f < 1);
  }
});

test('shuffle is a permutation, deterministic per seed, and every position moves sometimes', () => {
  const p = permutation(50, createRng(5, 's'));
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(permutation(50, createRng(5, 's')), p);
  assert.notDeepEqual(permutation(50, createRng(6, 's')), p);
  // Over many shuffles of 4 items, all 24 orders appear (Fisher–Yates reaches every permutation).
  const seen = new Set<string>();
  for (let seed = 0; seed < 2000; seed++) seen.add(shuffleInPlace([0, 1, 2, 3], createRng(seed, 'four')).join(''));
  assert.equal(seen.size, 24);
});
