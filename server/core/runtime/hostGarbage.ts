// Frees large dropped buffers before the next step allocates its own.
//
// onnxruntime-node returns every output in a fresh ArrayBuffer. After the host AdamW a step's
// gradients (one fp32 copy of the model) are garbage, but V8 frees an ArrayBuffer's memory only when
// a full GC finds it dead, and it schedules those by JS-heap growth, which a few hundred large
// buffers barely cause. So one step's gradients were still resident while the next step built its
// own. Measured on OPT-125m full FT, 8×128, 2 threads: peak RSS 3.80 GB without a collection
// between steps, 3.10 GB with one (torch: 3.3 GB); the collection itself takes milliseconds, since
// the JS heap is small and the buffers live outside it.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Below this much dropped memory a forced collection costs more than it returns (tiny models). */
export const COLLECT_AT_BYTES = 64 * 2 ** 20;

let collector: (() => void) | null | undefined;

/**
 * V8's `gc()`: the global one under --expose-gc, else enabled at run time; null if neither works.
 * Once this has run, worker threads started afterwards have a global `gc` too (the flag is per process).
 */
export function gcFunction(): (() => void) | null {
  if (collector !== undefined) return collector;
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return (collector = exposed as () => void);
  try {
    setFlagsFromString('--expose-gc');
    // A context created after the flag is set gets the gc global.
    const fn: unknown = runInNewContext('gc');
    collector = typeof fn === 'function' ? (fn as () => void) : null;
  } catch {
    collector = null;
  }
  return collector;
}

/** Counts bytes of buffers the caller has dropped; collects once they reach COLLECT_AT_BYTES. */
export class DroppedBuffers {
  private bytes = 0;

  add(bytes: number): void {
    this.bytes += bytes;
  }

  /** Collects if enough was dropped. Call where the dropped buffers are no longer referenced. */
  collectIfLarge(): boolean {
    if (this.bytes < COLLECT_AT_BYTES) return false;
    this.bytes = 0;
    const gc = gcFunction();
    if (!gc) return false;
    gc();
    return true;
  }
}
