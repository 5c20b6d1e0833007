// Seeded pseudo-random numbers for everything that must replay exactly: few-shot samples (data
// seed), demonstration choice, and training order (model seed).
//
// The generator is a 32-bit counter passed through the murmur3 finalizer ("fmix32"): state advances
// by the golden-ratio constant and each output is the mixed state. It is tiny, has no warm-up, and
// every output bit depends on every state bit — plenty for shuffling a few thousand indices.
//
// Streams: one seed drives several independent decisions (the sample of class 0, the sample of
// class 1, the order of epoch 3, …). Each decision gets its own stream, derived from the seed and a
// label, so changing how many numbers one decision consumes never shifts another one.

export interface Rng {
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform float in [0, 1). */
  nextFloat(): number;
  /** Uniform integer in [0, bound), without modulo bias. */
  nextInt(bound: number): number;
}

const GOLDEN_GAMMA = 0x9e3779b9;

/** The murmur3 32-bit finalizer: a bijection on uint32 with full avalanche. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units of a string, then mixed. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return fmix32(h);
}

/**
 * A generator for one decision. `seed` is any safe integer (negative and > 2^32 included; both
 * 32-bit halves are mixed in), `stream` names the decision.
 */
export function createRng(seed: number, stream = ''): Rng {
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a safe integer, got ${seed}`);
  const low = seed >>> 0; // two's-complement low 32 bits, also for negative seeds
  const high = Math.floor(seed / 2 ** 32) >>> 0;
  let state = fmix32(low ^ fmix32(high ^ hashString(stream)));

  const nextUint32 = (): number => {
    state = (state + GOLDEN_GAMMA) >>> 0;
    return fmix32(state);
  };
  return {
    nextUint32,
    nextFloat: () => nextUint32() / 2 ** 32,
    nextInt(bound: number): number {
      if (!Number.isInteger(bound) || bound <= 0 || bound > 2 ** 32) {
        throw new Error(`nextInt bound must be an integer in [1, 2^32], got ${bound}`);
      }
      // Reject the top partial block so every residue is equally likely.
      const limit = 2 ** 32 - (2 ** 32 % bound);
      for (;;) {
        const u = nextUint32();
        if (u < limit) return u % bound;
      }
    },
  };
}

/** Fisher–Yates shuffle in place; returns the same array. */
export function shuffleInPlace<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

/** A random permutation of 0..count-1. */
export function permutation(count: number, rng: Rng): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  return shuffleInPlace(order, rng);
}
