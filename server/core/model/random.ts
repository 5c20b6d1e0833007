// A small seeded generator (mulberry32) for everything random in training: dropout masks, LoRA
// and head initialization. Same seed, same numbers, on every platform.

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A child generator whose stream does not overlap this one in practice (for independent uses). */
  fork(): Rng {
    return new Rng(Math.floor(this.next() * 4294967296));
  }

  /**
   * Inverted-dropout mask, 0 with probability p and 1/(1-p) otherwise. Millions of elements per
   * step, so the generator is inlined and each 32-bit draw decides two elements (16 bits each;
   * p is resolved to 1/65536).
   */
  fillDropoutMask(out: Float32Array, p: number): Float32Array {
    const threshold = Math.round(p * 65536);
    const keep = 1 / (1 - p);
    let state = this.state;
    for (let i = 0; i < out.length; i += 2) {
      let t = (state = (state + 0x6d2b79f5) >>> 0);
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      t = (t ^ (t >>> 14)) >>> 0;
      out[i] = (t & 0xffff) < threshold ? 0 : keep;
      if (i + 1 < out.length) out[i + 1] = t >>> 16 < threshold ? 0 : keep;
    }
    this.state = state;
    return out;
  }

  fillUniform(out: Float32Array, low: number, high: number): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.uniform(low, high);
    return out;
  }

  fillNormal(out: Float32Array, std: number): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal() * std;
    return out;
  }
}
