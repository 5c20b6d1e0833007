// The results store: <resultsDir>/<run-id>/run.json (RunManifest) beside the trial logs —
// trials.jsonl for a single-machine run, trials.<i>of<N>.jsonl for shard i of N (each shard appends
// only to its own file, which is safe on shared filesystems). Reading merges every log of a run by
// trial key: a finished record beats a failed one; among finished ones the first written stays.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { arch, cpus, hostname, platform, totalmem } from 'node:os';
import { join } from 'node:path';
import type { RunManifest, TrialRecord } from '../../../../protocol/results';
import type { Shard } from '../shard';
import { createFileExclusive, syncDir, writeFileAtomic } from './atomicFile';
import { readLocks, type LockState } from './runLock';
import { isRunId, makeRunId } from './runId';
import { describeWriteError, readTrialLog, TrialLogWriter, type StoreWarning, type TrialLogIo } from './trialLog';

export const MANIFEST_FILE = 'run.json';

export type NewRun = Omit<RunManifest, 'runId' | 'createdAt' | 'machine'> & { machine?: RunManifest['machine'] };

export function machineInfo(): RunManifest['machine'] {
  return { platform: platform(), arch: arch(), cpus: cpus().length, memoryBytes: totalmem(), hostname: hostname() };
}

export function runDirOf(resultsDir: string, runId: string): string {
  if (!isRunId(runId)) throw new Error(`"${runId}" is not a run id (expected e.g. 20261128-175512-demo)`);
  return join(resultsDir, runId);
}

/**
 * Creates a new run folder and its manifest; the id is the time plus the experiment's name. The
 * folder is made whole under a hidden name and renamed into place, so a crash (kill -9, a full
 * disk) leaves either no run or a run with its manifest — never a folder a rerun cannot continue.
 */
export function createRun(resultsDir: string, run: NewRun, name: string, now: Date = new Date()): RunManifest {
  mkdirSync(resultsDir, { recursive: true });
  const base = makeRunId(name, now);
  let staging: string | undefined;
  try {
    // Hidden (and not a run id), so listings never show it; a crash may leave one behind.
    staging = mkdtempSync(join(resultsDir, `.new-${base}-`));
    for (let i = 1; i < 1000; i++) {
      const runId = i === 1 ? base : `${base}-${i}`;
      const manifest: RunManifest = { ...run, runId, createdAt: now.toISOString(), machine: run.machine ?? machineInfo() };
      writeFileAtomic(join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
      try {
        renameSync(staging, join(resultsDir, runId)); // fails if another run took this id in the same second
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' || code === 'ENOTEMPTY') continue;
        throw error;
      }
      syncDir(resultsDir);
      return manifest;
    }
  } catch (error) {
    if (staging) rmSync(staging, { recursive: true, force: true });
    throw new Error(`Could not create a run in ${resultsDir}: ${describeWriteError(error)}`, { cause: error });
  }
  rmSync(staging, { recursive: true, force: true });
  throw new Error(`Could not find a free run id for ${base} in ${resultsDir}`);
}

/**
 * For shards that agreed on a run id beforehand (the submit command makes it): creates the run
 * folder and manifest if no shard has yet, and returns the manifest on disk — the first one wins.
 */
export function ensureRun(resultsDir: string, manifest: RunManifest): RunManifest {
  const dir = runDirOf(resultsDir, manifest.runId);
  mkdirSync(dir, { recursive: true });
  createFileExclusive(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return readManifest(dir);
}

export function readManifest(runDir: string): RunManifest {
  const path = join(runDir, MANIFEST_FILE);
  let manifest: RunManifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as RunManifest;
  } catch (error) {
    throw new Error(`Cannot read the run manifest ${path}: ${(error as Error).message}`);
  }
  if (typeof manifest?.runId !== 'string' || typeof manifest.totalTrials !== 'number') {
    throw new Error(`${path} is not a run manifest (no runId or totalTrials)`);
  }
  return manifest;
}

export function trialLogName(shard?: Shard): string {
  return shard ? `trials.${shard.index}of${shard.count}.jsonl` : 'trials.jsonl';
}

/** Opens the run's (or the shard's) trial log for appending. */
export function openTrialLog(runDir: string, shard?: Shard, io?: TrialLogIo): TrialLogWriter {
  return new TrialLogWriter(join(runDir, trialLogName(shard)), io);
}

/** trials.jsonl first, then the shard logs in shard order. */
export function trialLogFiles(runDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(runDir);
  } catch {
    return [];
  }
  const shardOf = (name: string) => Number(/^trials\.(\d+)of\d+\.jsonl$/.exec(name)?.[1] ?? -1);
  return names
    .filter((name) => name === 'trials.jsonl' || /^trials\.\d+of\d+\.jsonl$/.test(name))
    .sort((a, b) => shardOf(a) - shardOf(b) || (a < b ? -1 : a > b ? 1 : 0));
}

export interface RunTrials {
  /** One record per key (see mergeTrialRecords), in the order first seen. */
  trials: TrialRecord[];
  /** Every record of every log, failures included, in file order. */
  history: TrialRecord[];
  warnings: StoreWarning[];
}

export function readRunTrials(runDir: string): RunTrials {
  const history: TrialRecord[] = [];
  const warnings: StoreWarning[] = [];
  for (const name of trialLogFiles(runDir)) {
    const log = readTrialLog(join(runDir, name));
    history.push(...log.records);
    warnings.push(...log.warnings.map((w) => ({ ...w, file: name })));
  }
  return { trials: mergeTrialRecords(history), history, warnings };
}

/** One record per key: finished beats failed; of several finished the earliest; of failures the latest. */
export function mergeTrialRecords(records: readonly TrialRecord[]): TrialRecord[] {
  const best = new Map<string, TrialRecord>();
  for (const record of records) {
    const held = best.get(record.key);
    if (!held || better(record, held)) best.set(record.key, record);
  }
  const order = [...new Set(records.map((r) => r.key))];
  return order.map((key) => best.get(key)!);
}

function better(candidate: TrialRecord, held: TrialRecord): boolean {
  if (candidate.status !== held.status) return candidate.status === 'finished';
  const earlier = candidate.finishedAt < held.finishedAt;
  return candidate.status === 'finished' ? earlier : candidate.finishedAt >= held.finishedAt;
}

/** Keys a resume skips. Failed trials are not finished: they run again (their records stay as history). */
export function finishedKeys(runDir: string): Set<string> {
  const { history } = readRunTrials(runDir);
  return new Set(history.filter((r) => r.status === 'finished').map((r) => r.key));
}

export type RunState = 'running' | 'stopped' | 'complete';

export interface RunStatus {
  state: RunState;
  total: number;
  finished: number;
  /** Keys whose latest outcome is a failure (they run again on resume). */
  failed: number;
  pending: number;
  locks: LockState[];
}

/**
 * Where a run stands. Pass the keys of the current grid to count only its trials (records left
 * from a grid whose settings have since changed have other keys); without them, every record counts.
 */
export function runStatus(runDir: string, manifest: RunManifest, trials: readonly TrialRecord[], gridKeys?: ReadonlySet<string>): RunStatus {
  const current = gridKeys ? trials.filter((t) => gridKeys.has(t.key)) : trials;
  const finished = current.filter((t) => t.status === 'finished').length;
  const failed = current.length - finished;
  const locks = readLocks(runDir);
  const state: RunState = locks.some((l) => l.live) ? 'running' : finished >= manifest.totalTrials ? 'complete' : 'stopped';
  return { state, total: manifest.totalTrials, finished, failed, pending: Math.max(0, manifest.totalTrials - finished - failed), locks };
}

export interface LoadedRun extends RunTrials {
  dir: string;
  manifest: RunManifest;
  status: RunStatus;
}

export function loadRun(resultsDir: string, runId: string, gridKeys?: ReadonlySet<string>): LoadedRun {
  const dir = runDirOf(resultsDir, runId);
  const manifest = readManifest(dir);
  const read = readRunTrials(dir);
  return { dir, manifest, ...read, status: runStatus(dir, manifest, read.trials, gridKeys) };
}

export interface RunListing {
  runId: string;
  dir: string;
  manifest?: RunManifest;
  /** Why the manifest could not be read. */
  error?: string;
}

/** Runs in a results folder, oldest first (run ids sort by time). */
export function listRuns(resultsDir: string): RunListing[] {
  let names: string[];
  try {
    names = readdirSync(resultsDir);
  } catch {
    return [];
  }
  return names
    .filter(isRunId)
    .sort()
    .map((runId) => {
      const dir = join(resultsDir, runId);
      try {
        return { runId, dir, manifest: readManifest(dir) };
      } catch (error) {
        return { runId, dir, error: (error as Error).message };
      }
    });
}
