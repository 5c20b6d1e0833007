// "Is this run going?" A runner holds a lock file in the run folder (one per shard) naming its
// host and pid, and rewrites its heartbeat as it works. On the same host the pid decides (a dead
// pid means a stale lock: the runner crashed or was killed); for another host, whose pids we
// cannot probe (a cluster node), a heartbeat older than staleAfterMs does.

import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createFileExclusive, unlinkQuietly, writeFileAtomic } from './atomicFile';
import { describeWriteError } from './trialLog';
import type { Shard } from '../shard';

export interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
  heartbeatAt: string;
  /** "i/N" for a shard's runner. */
  shard?: string;
}

export interface LockState {
  file: string;
  info: LockInfo;
  live: boolean;
}

/** Heartbeats older than this mark another host's lock as stale. Runners beat far more often. */
export const DEFAULT_STALE_AFTER_MS = 10 * 60 * 1000;

export function lockFileName(shard?: Shard): string {
  return shard ? `lock.${shard.index}of${shard.count}.json` : 'lock.json';
}

export class RunBusyError extends Error {
  constructor(readonly holder: LockInfo) {
    super(`The run is already running (pid ${holder.pid} on ${holder.hostname}, since ${holder.startedAt}).`);
    this.name = 'RunBusyError';
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

export function isLive(info: LockInfo, now = Date.now(), staleAfterMs = DEFAULT_STALE_AFTER_MS): boolean {
  if (info.hostname === hostname()) return pidAlive(info.pid);
  const beat = Date.parse(info.heartbeatAt);
  return Number.isFinite(beat) && now - beat < staleAfterMs;
}

function readLock(path: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' && typeof info.hostname === 'string' ? info : undefined;
  } catch {
    return undefined;
  }
}

export class RunLock {
  private released = false;

  private constructor(
    readonly path: string,
    private info: LockInfo,
  ) {}

  /** Takes the run's (or shard's) lock; replaces a stale one; throws RunBusyError if a live runner holds it. */
  static acquire(runDir: string, options: { shard?: Shard; staleAfterMs?: number; now?: Date } = {}): RunLock {
    const path = join(runDir, lockFileName(options.shard));
    const at = (options.now ?? new Date()).toISOString();
    const info: LockInfo = {
      pid: process.pid,
      hostname: hostname(),
      startedAt: at,
      heartbeatAt: at,
      ...(options.shard ? { shard: `${options.shard.index}/${options.shard.count}` } : {}),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      let created: boolean;
      try {
        created = createFileExclusive(path, `${JSON.stringify(info)}\n`);
      } catch (error) {
        throw new Error(`Could not write the run's lock ${path}: ${describeWriteError(error)}`, { cause: error });
      }
      if (created) return new RunLock(path, info);
      const holder = readLock(path);
      if (holder && isLive(holder, Date.now(), options.staleAfterMs)) throw new RunBusyError(holder);
      unlinkQuietly(path); // stale (or unreadable): its runner is gone
    }
    throw new Error(`Could not take the lock ${path}: another runner keeps replacing it.`);
  }

  /** Records that the runner is still working. */
  heartbeat(now: Date = new Date()): void {
    if (this.released) return;
    this.info = { ...this.info, heartbeatAt: now.toISOString() };
    writeFileAtomic(this.path, `${JSON.stringify(this.info)}\n`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    const current = readLock(this.path);
    if (current?.pid === this.info.pid && current.hostname === this.info.hostname) unlinkQuietly(this.path);
  }
}

/** Every lock file in a run folder, with whether its runner is alive. */
export function readLocks(runDir: string, staleAfterMs = DEFAULT_STALE_AFTER_MS): LockState[] {
  let names: string[];
  try {
    names = readdirSync(runDir);
  } catch {
    return [];
  }
  const now = Date.now();
  return names
    .filter((name) => /^lock(\.\d+of\d+)?\.json$/.test(name))
    .sort()
    .flatMap((name) => {
      const info = readLock(join(runDir, name));
      return info ? [{ file: name, info, live: isLive(info, now, staleAfterMs) }] : [];
    });
}
