// Host AdamW over several threads. The in-place update is one pass over memory per parameter; on
// one JS thread it took ~1.9 s of a ~19 s OPT-350m CPU step, while torch's AdamW uses every
// intra-op thread (~0.8 s). Here the parameters are split into bins of about equal size: this
// thread updates one bin while worker threads update the others.
//
// A job's arrays are moved to its worker, never copied (ArrayBuffer transfer; SharedArrayBuffers are
// not an option: onnxruntime-node refuses them as inputs). Only p, m and v come back. The gradients
// die in the worker, which collects them itself: buffers that travelled back to this thread were
// freed late, and one step's gradients were still resident during the next (+340 MB peak measured).
//
// The workers run the very functions of adamwHost.ts, compiled from their source text, so there is
// one implementation of the update (called by `.name`: a minified bundle renames them). A pool that cannot start, or whose first result differs from
// this thread's, is not used, and the update runs here alone.
import { Worker } from 'node:worker_threads';
import { gcFunction } from '../runtime/hostGarbage';
import type { AdamWHyper } from './adamw';
import { adamwInPlace, adamwRowsInPlace, checkLengths, runJob, stepConstants, updateSpan, type UpdateJob } from './adamwHost';

/**
 * Below this many bytes of trainable parameters (2M values, ~10 ms of updates) a step is updated
 * here alone: posting to a worker would cost more than it saves. Tiny models never start the pool.
 */
export const PARALLEL_AT_BYTES = 8 * 2 ** 20;

const WORKER_SOURCE = `
${[stepConstants, updateSpan, checkLengths, adamwInPlace, adamwRowsInPlace, runJob].map(String).join('\n')}
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, jobs, hyper, collectAt }) => {
  let error;
  try {
    for (const job of jobs) ${runJob.name}(job, hyper);
  } catch (e) {
    error = String((e && e.stack) || e);
  }
  // p, m and v go back even after an error: the caller's state must not lose them.
  const back = jobs.map(({ name, p, m, v }) => ({ name, p, m, v }));
  const dropped = jobs.reduce((n, j) => n + (j.grad.kind === 'dense' ? j.grad.values.byteLength : j.grad.sums.values.byteLength), 0);
  jobs = undefined;
  parentPort.postMessage({ id, back, error }, back.flatMap((j) => [j.p.buffer, j.m.buffer, j.v.buffer]));
  if (dropped >= collectAt && typeof gc === 'function') setImmediate(gc);
});
`;

interface Returned {
  name: string;
  p: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

interface Reply {
  id: number;
  back: Returned[];
  error?: string;
}

class UpdateWorker {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;

  constructor(private readonly collectAt: number) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.on('message', (r: Reply) => {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      if (this.pending.size === 0) this.worker.unref();
      p?.resolve(r);
    });
    const fail = (e: Error): void => {
      this.failure = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`AdamW worker thread exited (code ${code})`)));
    // Referenced only while a job is out (the process must wait for it): an idle pool never keeps
    // the process alive. After the listeners, since adding a 'message' listener refs the port.
    this.worker.unref();
  }

  run(jobs: UpdateJob[], hyper: AdamWHyper): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, jobs, hyper, collectAt: this.collectAt }, jobs.flatMap(jobArrays).map((a) => a.buffer as ArrayBuffer));
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/** Every array of a job (all move with it to a worker). */
export function jobArrays(job: UpdateJob): (Float32Array | Int32Array)[] {
  const g = job.grad;
  return [job.p, job.m, job.v, ...(g.kind === 'dense' ? [g.values] : [g.sums.values, g.sums.slotOf])];
}

/**
 * Whether a job's arrays can be moved to another thread: each must span its own whole buffer, and
 * no two may share one (moving a buffer takes every view of it along).
 */
export function movable(job: UpdateJob): boolean {
  const arrays = jobArrays(job);
  return (
    new Set(arrays.map((a) => a.buffer)).size === arrays.length &&
    arrays.every((a) => a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && !(a.buffer instanceof SharedArrayBuffer))
  );
}

const bytesOf = (job: UpdateJob): number => job.p.byteLength;

/** Splits jobs into `bins` groups of about equal size (largest first); unmovable jobs stay in bin 0. */
export function balance(jobs: readonly UpdateJob[], bins: number): UpdateJob[][] {
  const out: UpdateJob[][] = Array.from({ length: bins }, () => []);
  const load = new Array<number>(bins).fill(0);
  const place = (job: UpdateJob, i: number): void => {
    out[i].push(job);
    load[i] += bytesOf(job);
  };
  for (const job of jobs) if (!movable(job)) place(job, 0);
  for (const job of jobs.filter(movable).sort((a, b) => bytesOf(b) - bytesOf(a))) place(job, load.indexOf(Math.min(...load)));
  return out;
}

export class AdamWThreads {
  private workers: UpdateWorker[] | undefined;
  /** Why the pool is not used (it failed to start or to agree with this thread); undefined while usable. */
  disabledBecause: string | undefined;

  /** Whether worker threads are running (started by a large enough update). */
  get started(): boolean {
    return this.workers !== undefined;
  }

  /**
   * @param threads threads to update with, this one included (1: no workers)
   * @param parallelAtBytes fewer parameter bytes than this in a step are updated here alone
   * @param collectAt a worker collects once this many gradient bytes died in it
   */
  constructor(
    readonly threads: number,
    private readonly parallelAtBytes = PARALLEL_AT_BYTES,
    private readonly collectAt = 64 * 2 ** 20,
  ) {}

  /**
   * Applies every job. A job updated in a worker comes back with new array objects over the same
   * memory (the old ones are detached, its gradient is gone): take p, m and v from the result.
   * Returns, per job in order, its arrays and whether its gradient is still here to be dropped.
   */
  async run(jobs: UpdateJob[], hyper: AdamWHyper): Promise<(Returned & { gradientHere: boolean })[]> {
    const total = jobs.reduce((n, j) => n + bytesOf(j), 0);
    const workers = this.threads > 1 && total >= this.parallelAtBytes ? await this.pool() : undefined;
    if (!workers) {
      for (const job of jobs) runJob(job, hyper);
      return jobs.map((j) => ({ ...j, gradientHere: true }));
    }
    const [here, ...away] = balance(jobs, workers.length + 1);
    const replies = away.map((bin, i) => (bin.length > 0 ? workers[i].run(bin, hyper) : Promise.resolve(undefined)));
    let failure: unknown;
    try {
      for (const job of here) runJob(job, hyper);
    } catch (e) {
      failure = e;
    }
    // Wait for every worker even after a failure here: their arrays must come back first.
    const back = new Map<string, Returned>();
    for (const r of await Promise.allSettled(replies)) {
      if (r.status === 'rejected') failure ??= r.reason;
      else if (r.value) {
        for (const j of r.value.back) back.set(j.name, j);
        if (r.value.error) failure ??= new Error(`AdamW update failed in a worker thread: ${r.value.error}`);
      }
    }
    if (failure) throw failure;
    return jobs.map((j) => {
      const moved = back.get(j.name);
      return moved ? { ...moved, gradientHere: false } : { ...j, gradientHere: true };
    });
  }

  /** The workers, started on first use and checked once against this thread's result. */
  private async pool(): Promise<UpdateWorker[] | undefined> {
    if (this.disabledBecause) return undefined;
    if (this.workers) return this.workers;
    gcFunction(); // sets --expose-gc before the workers start, so they can collect what dies in them
    const workers = Array.from({ length: this.threads - 1 }, () => new UpdateWorker(this.collectAt));
    try {
      for (const w of workers) await selfCheck(w);
      this.workers = workers;
      return workers;
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      this.disabledBecause = e instanceof Error ? e.message : String(e);
      return undefined;
    }
  }

  async dispose(): Promise<void> {
    const workers = this.workers ?? [];
    this.workers = undefined;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** One small update in the worker and here must agree bit for bit. */
async function selfCheck(w: UpdateWorker): Promise<void> {
  const make = (): UpdateJob => {
    const n = 37;
    const p = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
    const values = Float32Array.from({ length: n }, (_, i) => Math.cos(i) / 3);
    return { name: 'check', p, m: new Float32Array(n).fill(0.01), v: new Float32Array(n).fill(0.02), grad: { kind: 'dense', values }, step: { lr: 0.1, weightDecay: 0.01, step: 3, gradScale: 0.5 } };
  };
  const hyper = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
  const local = make();
  runJob(local, hyper);
  const reply = await w.run([make()], hyper);
  if (reply.error) throw new Error(`AdamW worker self-check failed: ${reply.error}`);
  const remote = reply.back[0];
  if (!local.p.every((x, i) => Object.is(x, remote.p[i])) || !local.v.every((x, i) => Object.is(x, remote.v[i]))) {
    throw new Error('AdamW worker self-check: the worker computed a different update');
  }
}

const shared = new Map<number, AdamWThreads>();

/** One pool per thread count for the whole process (engines come and go per trial; workers stay). */
export function sharedAdamWThreads(threads: number): AdamWThreads {
  let pool = shared.get(threads);
  if (!pool) shared.set(threads, (pool = new AdamWThreads(threads)));
  return pool;
}
