// What the crash tests watch for between kills: the store's promises (StoreWitness), a write cut
// off half-way (tearLastLine), the torn lines a run's output reports, and how long a trial takes on
// this machine right now (TrialClock), so kill points land inside trials whatever the load.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { assertCompleteFinished, assertNoFinishedTwice, readStoreLines, type CompleteRecordExpectation } from './storeCheck';

/**
 * The store's promises after a kill: complete lines are whole records (only a final, unterminated
 * line may be torn); finished records are complete; none is finished twice; and every finished
 * line seen before is still there, byte for byte (except one the test itself tore).
 */
export class StoreWitness {
  private readonly seen = new Map<string, string>();
  /** Fragments the test tore on purpose; once a later record follows them they are middle lines. */
  private readonly torn = new Set<string>();

  constructor(private readonly expect: CompleteRecordExpectation) {}

  check(runDir: string | undefined, context: string): void {
    if (!runDir) return;
    const { records, broken } = readStoreLines(runDir);
    for (const b of broken) {
      assert.ok(b.unterminated || this.torn.has(b.text), `${context}: only a last line may be torn, ${b.file}:${b.line} is not: ${b.text.slice(0, 80)}`);
    }
    assertNoFinishedTwice(records);
    const lines = new Set(records.map((r) => r.at.text));
    for (const [key, text] of this.seen) assert.ok(lines.has(text), `${context}: the finished record of ${key} is gone or changed`);
    for (const r of records) {
      if (r.status !== 'finished') continue;
      assertCompleteFinished(r, this.expect);
      this.seen.set(r.key, r.at.text);
    }
  }

  /** The test cut this record's line (emulating a write cut off by the kill): it no longer counts. */
  tore(key: string, fragment: string): void {
    this.seen.delete(key);
    this.torn.add(fragment);
  }
}

/** Cuts the last record's line in half, as a write interrupted by the crash would leave it. */
export function tearLastLine(runDir: string): { key: string; fragment: string; line: number } | undefined {
  const file = join(runDir, 'trials.jsonl');
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  if (!text.endsWith('\n')) return undefined;
  const start = text.lastIndexOf('\n', text.length - 2) + 1;
  const last = text.slice(start, -1);
  const keep = last.slice(0, Math.floor(last.length / 2));
  truncateSync(file, Buffer.byteLength(text.slice(0, start)) + Buffer.byteLength(keep));
  return { key: (JSON.parse(last) as { key: string }).key, fragment: keep, line: text.slice(0, start).split('\n').length };
}

/** Time between the last two records of a run: how long a trial takes on this machine, now. */
export class TrialClock {
  private last: { bytes: number; at: number } | undefined;
  private intervals: number[] = [];

  observe(bytes: number): void {
    const now = Date.now();
    if (this.last && bytes > this.last.bytes) this.intervals = [...this.intervals.slice(-4), now - this.last.at];
    if (!this.last || bytes !== this.last.bytes) this.last = { bytes, at: now };
  }

  trialMs(): number {
    const sorted = [...this.intervals].sort((a, b) => a - b);
    return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 600;
  }
}

/** The line numbers of torn lines this output reports (as cut off, or as not JSON once followed by more). */
export function reportedTornLines(output: string): Set<number> {
  return new Set([...output.matchAll(/line (\d+) is (incomplete \(a write cut off by a crash or a full disk\)|not valid JSON); skipped/g)].map((m) => Number(m[1])));
}
