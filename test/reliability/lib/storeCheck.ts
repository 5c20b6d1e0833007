// Reads a run's trial logs line by line, independently of the product's reader, and checks what
// the guarantees promise: every complete line is a whole record, a finished record has every field
// filled in with sane values, and no trial is recorded finished twice.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrialRecord } from '../../../protocol/results';
import { isRunId } from '../../../server/core/experiment';

/** The run folders of a results folder, oldest first (hidden folders of runs being created are not runs). */
export function runFolders(resultsDir: string): string[] {
  try {
    return readdirSync(resultsDir).filter(isRunId).sort();
  } catch {
    return [];
  }
}

export interface RawLine {
  file: string;
  /** 1-based. */
  line: number;
  text: string;
  /** The file's last line, without a newline after it. */
  unterminated: boolean;
}

export interface StoreLines {
  records: (TrialRecord & { at: RawLine })[];
  /** Lines that are not JSON (torn by a crash or a full disk). */
  broken: RawLine[];
}

export function readStoreLines(runDir: string): StoreLines {
  const records: StoreLines['records'] = [];
  const broken: RawLine[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(runDir).filter((n) => /^trials(\.\d+of\d+)?\.jsonl$/.test(n));
  } catch {
    return { records, broken };
  }
  for (const file of names.sort()) {
    const text = readFileSync(join(runDir, file), 'utf8');
    const lines = text.split('\n');
    lines.forEach((content, index) => {
      if (content.trim() === '') return;
      const at: RawLine = { file, line: index + 1, text: content, unterminated: index === lines.length - 1 };
      try {
        records.push({ ...(JSON.parse(content) as TrialRecord), at });
      } catch {
        broken.push(at);
      }
    });
  }
  return { records, broken };
}

const isFiniteNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

export interface CompleteRecordExpectation {
  epochs: number;
  evalSets: string[];
  evalCount: number;
}

/** A finished record is complete: identity, losses, metrics of every eval set, costs, time stamp. */
export function assertCompleteFinished(r: TrialRecord, expect: CompleteRecordExpectation): void {
  const where = `record ${r.key}`;
  assert.equal(r.status, 'finished', where);
  assert.equal(typeof r.key, 'string', where);
  for (const field of ['model', 'task', 'method'] as const) assert.equal(typeof r.config[field], 'string', `${where}: config.${field}`);
  for (const field of ['n', 'dataSeed', 'modelSeed'] as const) assert.ok(Number.isInteger(r.config[field]), `${where}: config.${field}`);
  if (r.config.method === 'icl') assert.deepEqual(r.trainLoss, [], where);
  else {
    assert.equal(r.trainLoss.length, expect.epochs, `${where}: one mean loss per epoch`);
    assert.ok(r.trainLoss.every(isFiniteNumber), `${where}: finite losses`);
  }
  assert.deepEqual(Object.keys(r.metrics).sort(), [...expect.evalSets].sort(), `${where}: every eval set`);
  for (const [name, m] of Object.entries(r.metrics)) {
    assert.equal(m.count, expect.evalCount, `${where}: ${name} count`);
    for (const metric of ['accuracy', 'macroF1', 'majority'] as const) {
      assert.ok(isFiniteNumber(m[metric]) && m[metric] >= 0 && m[metric] <= 1, `${where}: ${name}.${metric} = ${m[metric]}`);
    }
    assert.ok(isFiniteNumber(m.mcc) && m.mcc >= -1 && m.mcc <= 1, `${where}: ${name}.mcc`);
  }
  assert.ok(isFiniteNumber(r.wallTimeS) && r.wallTimeS > 0, `${where}: wall time`);
  assert.ok(isFiniteNumber(r.peakMemoryBytes) && r.peakMemoryBytes > 0, `${where}: peak memory`);
  assert.ok(Number.isInteger(r.trainableParams) && r.trainableParams >= 0, `${where}: trainable params`);
  assert.equal(typeof r.provider, 'string', where);
  assert.ok(!Number.isNaN(Date.parse(r.finishedAt)), `${where}: finishedAt`);
  assert.equal(r.error, undefined, `${where}: no error on a finished record`);
}

/** How many times each key is recorded finished. */
export function finishedCounts(records: readonly TrialRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) if (r.status === 'finished') counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
  return counts;
}

export function assertNoFinishedTwice(records: readonly TrialRecord[]): void {
  const twice = [...finishedCounts(records)].filter(([, n]) => n > 1).map(([k]) => k);
  assert.deepEqual(twice, [], 'no trial is recorded finished twice');
}
