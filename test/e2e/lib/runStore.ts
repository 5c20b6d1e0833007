// Reads a workspace's run store the way the runner writes it (ftlab.resultsDir, default
// .ftlab/runs/<runId>/trials.jsonl), so that the e2e scenarios check what was trained against the
// files themselves rather than against what the UI claims. Also the one polling helper they share.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLocks } from '../../../server/core/experiment/store/runLock';

export interface StoredTrial {
  key: string;
  status: 'finished' | 'failed';
  config: { method: string; n: number; dataSeed: number; modelSeed: number };
  metrics: Record<string, { role: 'in-domain' | 'ood'; accuracy: number; count: number }>;
}

export function runsDir(workspace: string): string {
  return join(workspace, '.ftlab', 'runs');
}

/** The id of the run made from the experiment named `name` (run ids end in `-<name>`), if any. */
export function findRunId(workspace: string, name: string): string | undefined {
  const dir = runsDir(workspace);
  if (!existsSync(dir)) return undefined;
  return readdirSync(dir)
    .filter((id) => id.endsWith(`-${name}`))
    .sort()
    .at(-1);
}

/** Every record in the run's trials.jsonl, in file order (a torn last line is left out). */
export function readTrials(workspace: string, runId: string): StoredTrial[] {
  const file = join(runsDir(workspace), runId, 'trials.jsonl');
  if (!existsSync(file)) return [];
  const records: StoredTrial[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as StoredTrial);
    } catch {
      // The trainer may be mid-write on the last line.
    }
  }
  return records;
}

/** Whether a live process (a trainer's runner) holds the run's lock, i.e. still works on it. */
export function isHeld(workspace: string, runId: string): boolean {
  return readLocks(join(runsDir(workspace), runId)).some((lock) => lock.live);
}

/** Keys that occur more than once: a resumed run must never train a stored trial again. */
export function repeatedKeys(trials: readonly StoredTrial[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const t of trials) (seen.has(t.key) ? repeated : seen).add(t.key);
  return [...repeated];
}

/** Mean in-domain accuracy per method over the finished trials, computed here independently. */
export function meanAccuracyByMethod(trials: readonly StoredTrial[], evalSet: string): Map<string, { mean: number; count: number }> {
  const sums = new Map<string, { sum: number; count: number }>();
  for (const t of trials) {
    const m = t.metrics[evalSet];
    if (t.status !== 'finished' || !m) continue;
    const s = sums.get(t.config.method) ?? { sum: 0, count: 0 };
    s.sum += m.accuracy;
    s.count += 1;
    sums.set(t.config.method, s);
  }
  return new Map([...sums].map(([method, s]) => [method, { mean: s.sum / s.count, count: s.count }]));
}

/**
 * Polls `probe` until it returns something other than undefined/false, or fails after `timeoutMs`
 * with `what` and the last value seen (the scenarios never sleep a fixed time to synchronize).
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
