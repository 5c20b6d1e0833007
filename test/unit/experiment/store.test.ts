// The results store on real files: append and read, torn lines, write failures, resume, shard
// merges, run ids, listing and the run lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import * as fs from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { RunManifest, TrialRecord } from '../../../protocol/results';
import {
  createRun,
  ensureRun,
  finishedKeys,
  listRuns,
  loadRun,
  openTrialLog,
  readRunTrials,
  runDirOf,
  type NewRun,
} from '../../../server/core/experiment/store/runStore';
import { readTrialLog, TrialLogWriter, TrialStoreWriteError, type TrialLogIo } from '../../../server/core/experiment/store/trialLog';
import { isRunId, makeRunId } from '../../../server/core/experiment/store/runId';
import { isLive, readLocks, RunBusyError, RunLock } from '../../../server/core/experiment/store/runLock';
import { tempDir } from './helpers';

function record(key: string, status: TrialRecord['status'] = 'finished', finishedAt = '2026-11-28T10:00:00.000Z', extra: Partial<TrialRecord> = {}): TrialRecord {
  return {
    key,
    status,
    config: { model: 'm', task: 'cola', method: 'vanilla', n: 2, dataSeed: 0, modelSeed: 0 },
    trainLoss: [0.7, 0.6],
    metrics: {},
    wallTimeS: 1,
    peakMemoryBytes: 1,
    trainableParams: 1,
    provider: 'cpu',
    finishedAt,
    ...(status === 'failed' ? { error: { kind: 'nan', message: 'loss is NaN', step: 3 } } : {}),
    ...extra,
  };
}

const newRun = (totalTrials: number): NewRun => ({
  experimentPath: 'examples/demo.ftlab.yaml',
  spec: { name: 'demo' },
  totalTrials,
  versions: { ftlab: '0.1.0', onnxruntime: '1.30.0', node: process.version },
  provider: 'cpu',
});

test('run ids: sortable UTC timestamp plus a short name; a second run in the same second gets -2', () => {
  assert.equal(makeRunId('My Demo!', new Date('2026-11-28T17:55:12Z')), '20261128-175512-my-demo');
  assert.equal(makeRunId('', new Date('2026-01-02T03:04:05Z')), '20260102-030405-run');
  assert.ok(isRunId('20261128-175512-demo-2'));
  assert.ok(!isRunId('../etc'));
  const { dir, cleanup } = tempDir('runid');
  try {
    const now = new Date('2026-11-28T17:55:12Z');
    const a = createRun(dir, newRun(4), 'demo', now);
    const b = createRun(dir, newRun(4), 'demo', now);
    const c = createRun(dir, newRun(4), 'demo', new Date('2026-11-29T00:00:00Z'));
    assert.equal(a.runId, '20261128-175512-demo');
    assert.equal(b.runId, '20261128-175512-demo-2');
    assert.deepEqual(JSON.parse(readFileSync(join(dir, a.runId, 'run.json'), 'utf8')), a);
    assert.equal(a.machine.hostname, hostname());
    assert.deepEqual(listRuns(dir).map((r) => r.runId), [a.runId, b.runId, c.runId]);
    writeFileSync(join(dir, b.runId, 'run.json'), '{"broken":');
    const listed = listRuns(dir);
    assert.match(listed[1].error ?? '', /Cannot read the run manifest/);
    assert.equal(listed[2].manifest?.runId, c.runId);
  } finally {
    cleanup();
  }
});

test('append and read: one line per record, each written whole and fsynced before the next', () => {
  const { dir, cleanup } = tempDir('append');
  try {
    const calls: string[] = [];
    const io: TrialLogIo = {
      openSync: (p, f) => fs.openSync(p, f),
      writeSync: (fd, b) => (calls.push('write'), fs.writeSync(fd, b)),
      fsyncSync: (fd) => (calls.push('fsync'), fs.fsyncSync(fd)),
      closeSync: (fd) => fs.closeSync(fd),
      fstatSync: (fd) => fs.fstatSync(fd),
      readSync: (fd, b, o, l, p) => fs.readSync(fd, b, o, l, p),
    };
    const log = new TrialLogWriter(join(dir, 'trials.jsonl'), io);
    log.append(record('a'));
    log.append(record('b', 'failed'));
    log.close();
    assert.deepEqual(calls, ['write', 'fsync', 'write', 'fsync']);
    const text = readFileSync(join(dir, 'trials.jsonl'), 'utf8');
    assert.equal(text.split('\n').length, 3);
    assert.ok(text.endsWith('\n'));
    const read = readTrialLog(join(dir, 'trials.jsonl'));
    assert.deepEqual(read.records, [record('a'), record('b', 'failed')]);
    assert.deepEqual(read.warnings, []);
  } finally {
    cleanup();
  }
});

test('a torn last line is reported with its line number and skipped; the next writer starts a new line', () => {
  const { dir, cleanup } = tempDir('torn');
  try {
    const path = join(dir, 'trials.jsonl');
    const log = new TrialLogWriter(path);
    log.append(record('a'));
    log.append(record('b'));
    log.close();
    appendFileSync(path, JSON.stringify(record('c')).slice(0, 57)); // killed mid-write
    const torn = readTrialLog(path);
    assert.deepEqual(torn.records.map((r) => r.key), ['a', 'b']);
    assert.equal(torn.warnings.length, 1);
    assert.equal(torn.warnings[0].line, 3);
    assert.match(torn.warnings[0].message, /line 3 is incomplete/);

    const resumed = new TrialLogWriter(path);
    resumed.append(record('c'));
    resumed.close();
    const after = readTrialLog(path);
    assert.deepEqual(after.records.map((r) => r.key), ['a', 'b', 'c']);
    assert.equal(after.warnings.length, 1, 'the fragment stays on its own line');
    assert.equal(after.warnings[0].line, 3);
    assert.match(after.warnings[0].message, /not valid JSON/);
  } finally {
    cleanup();
  }
});

test('lines that are JSON but not records are skipped with a warning', () => {
  const { dir, cleanup } = tempDir('junk');
  try {
    const path = join(dir, 'trials.jsonl');
    writeFileSync(path, `${JSON.stringify(record('a'))}\n[1,2]\n{"key":"x","status":"weird","config":{},"finishedAt":"t"}\n\n${JSON.stringify(record('b'))}\n`);
    const read = readTrialLog(path);
    assert.deepEqual(read.records.map((r) => r.key), ['a', 'b']);
    assert.deepEqual(read.warnings.map((w) => w.line), [2, 3]);
  } finally {
    cleanup();
  }
});

test('a full disk (/dev/full) surfaces a clear error', { skip: !fs.existsSync('/dev/full') && 'no /dev/full here' }, () => {
  const { dir, cleanup } = tempDir('full');
  try {
    symlinkSync('/dev/full', join(dir, 'trials.jsonl'));
    const log = openTrialLog(dir);
    assert.throws(
      () => log.append(record('a')),
      (error: unknown) =>
        error instanceof TrialStoreWriteError && error.code === 'ENOSPC' && /disk is full/.test(error.message) && /Could not save trial a/.test(error.message),
    );
    log.close();
  } finally {
    cleanup();
  }
});

test('a write that fails half-way keeps earlier lines intact and never glues the next record to the fragment', () => {
  const { dir, cleanup } = tempDir('fail');
  try {
    const path = join(dir, 'trials.jsonl');
    let writes = 0;
    const io: TrialLogIo = {
      openSync: (p, f) => fs.openSync(p, f),
      writeSync: (fd, bytes) => {
        if (++writes === 3) {
          fs.writeSync(fd, bytes.subarray(0, 40)); // part of the line reaches the disk …
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }); // … then it fills up
        }
        return fs.writeSync(fd, bytes);
      },
      fsyncSync: (fd) => fs.fsyncSync(fd),
      closeSync: (fd) => fs.closeSync(fd),
      fstatSync: (fd) => fs.fstatSync(fd),
      readSync: (fd, b, o, l, p) => fs.readSync(fd, b, o, l, p),
    };
    const log = new TrialLogWriter(path, io);
    log.append(record('a'));
    log.append(record('b'));
    assert.throws(() => log.append(record('c')), TrialStoreWriteError);
    assert.deepEqual(readTrialLog(path).records.map((r) => r.key), ['a', 'b'], 'earlier lines intact');
    log.append(record('c')); // space freed: the same writer goes on
    log.close();
    const read = readTrialLog(path);
    assert.deepEqual(read.records.map((r) => r.key), ['a', 'b', 'c']);
    assert.deepEqual(read.warnings.map((w) => w.line), [3]);
  } finally {
    cleanup();
  }
});

test('a short write counts as a failure', () => {
  const { dir, cleanup } = tempDir('short');
  try {
    const io: TrialLogIo = {
      openSync: (p, f) => fs.openSync(p, f),
      writeSync: (fd, bytes) => fs.writeSync(fd, bytes.subarray(0, 10)),
      fsyncSync: (fd) => fs.fsyncSync(fd),
      closeSync: (fd) => fs.closeSync(fd),
      fstatSync: (fd) => fs.fstatSync(fd),
      readSync: (fd, b, o, l, p) => fs.readSync(fd, b, o, l, p),
    };
    const log = new TrialLogWriter(join(dir, 'trials.jsonl'), io);
    assert.throws(() => log.append(record('a')), /short write/);
    log.close();
  } finally {
    cleanup();
  }
});

test('resume: finished keys are skipped, failed ones run again, and the failure stays in the history', () => {
  const { dir, cleanup } = tempDir('resume');
  try {
    const run = createRun(dir, newRun(3), 'demo');
    const runDir = runDirOf(dir, run.runId);
    const first = openTrialLog(runDir);
    first.append(record('a'));
    first.append(record('b', 'failed', '2026-11-28T10:01:00.000Z'));
    first.close();
    assert.deepEqual([...finishedKeys(runDir)], ['a']);
    const second = openTrialLog(runDir);
    second.append(record('b', 'finished', '2026-11-28T11:00:00.000Z'));
    second.close();
    assert.deepEqual([...finishedKeys(runDir)].sort(), ['a', 'b']);
    const loaded = loadRun(dir, run.runId);
    assert.deepEqual(loaded.trials.map((t) => [t.key, t.status]), [['a', 'finished'], ['b', 'finished']]);
    assert.deepEqual(loaded.history.map((t) => [t.key, t.status]), [['a', 'finished'], ['b', 'failed'], ['b', 'finished']]);
    assert.equal(loaded.status.state, 'stopped');
    assert.deepEqual([loaded.status.finished, loaded.status.failed, loaded.status.pending], [2, 0, 1]);
  } finally {
    cleanup();
  }
});

test('shard logs merge by key: finished beats failed, the first finished stays, nothing is lost', () => {
  const { dir, cleanup } = tempDir('merge');
  try {
    const run = createRun(dir, newRun(5), 'cluster');
    const runDir = runDirOf(dir, run.runId);
    const shard0 = openTrialLog(runDir, { index: 0, count: 2 });
    shard0.append(record('a', 'finished', '2026-11-28T10:00:00.000Z', { wallTimeS: 10 }));
    shard0.append(record('c', 'failed', '2026-11-28T10:05:00.000Z'));
    shard0.close();
    const shard1 = openTrialLog(runDir, { index: 1, count: 2 });
    shard1.append(record('b', 'finished'));
    shard1.append(record('d', 'failed', '2026-11-28T10:00:00.000Z', { error: { kind: 'oom', message: 'first' } }));
    shard1.append(record('d', 'failed', '2026-11-28T12:00:00.000Z', { error: { kind: 'crash', message: 'latest' } }));
    shard1.close();
    // Shard 0 resubmitted after a crash: it repeats a (a later duplicate) and finishes c.
    const again = openTrialLog(runDir, { index: 0, count: 2 });
    again.append(record('a', 'finished', '2026-11-28T13:00:00.000Z', { wallTimeS: 99 }));
    again.append(record('c', 'finished', '2026-11-28T13:05:00.000Z'));
    again.close();
    assert.ok(fs.existsSync(join(runDir, 'trials.0of2.jsonl')) && fs.existsSync(join(runDir, 'trials.1of2.jsonl')));
    const { trials, history, warnings } = readRunTrials(runDir);
    assert.deepEqual(warnings, []);
    assert.equal(history.length, 7);
    const byKey = new Map(trials.map((t) => [t.key, t]));
    assert.deepEqual([...byKey.keys()].sort(), ['a', 'b', 'c', 'd']);
    assert.equal(trials.length, 4, 'one record per key');
    assert.equal(byKey.get('a')?.wallTimeS, 10, 'the first finished record stays');
    assert.equal(byKey.get('c')?.status, 'finished');
    assert.equal(byKey.get('d')?.error?.message, 'latest', 'of failures, the latest');
    const status = loadRun(dir, run.runId).status;
    assert.deepEqual([status.finished, status.failed, status.pending, status.state], [3, 1, 1, 'stopped']);
  } finally {
    cleanup();
  }
});

test('shards that agreed on a run id: the first manifest wins', () => {
  const { dir, cleanup } = tempDir('ensure');
  try {
    const manifest = (provider: string): RunManifest => ({
      ...newRun(2),
      provider,
      runId: '20261128-120000-cluster',
      createdAt: '2026-11-28T12:00:00.000Z',
      machine: { platform: 'linux', arch: 'x64', cpus: 2, memoryBytes: 1, hostname: 'node1' },
    });
    assert.equal(ensureRun(dir, manifest('cuda')).provider, 'cuda');
    assert.equal(ensureRun(dir, manifest('cpu')).provider, 'cuda');
    assert.throws(() => ensureRun(dir, { ...manifest('cpu'), runId: '../escape' }), /not a run id/);
  } finally {
    cleanup();
  }
});

test('run lock: running while held, busy for a second runner, stopped after release or when its pid is dead', () => {
  const { dir, cleanup } = tempDir('lock');
  try {
    const run = createRun(dir, newRun(1), 'locked');
    const runDir = runDirOf(dir, run.runId);
    const lock = RunLock.acquire(runDir);
    assert.equal(loadRun(dir, run.runId).status.state, 'running');
    assert.throws(() => RunLock.acquire(runDir), RunBusyError);
    lock.heartbeat();
    lock.release();
    assert.equal(loadRun(dir, run.runId).status.state, 'stopped');

    // A runner that died without releasing (kill -9): its pid no longer exists.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    const at = new Date().toISOString();
    writeFileSync(join(runDir, 'lock.json'), JSON.stringify({ pid: deadPid, hostname: hostname(), startedAt: at, heartbeatAt: at }));
    assert.equal(readLocks(runDir)[0].live, false);
    assert.equal(loadRun(dir, run.runId).status.state, 'stopped');
    const taken = RunLock.acquire(runDir);
    assert.equal(readLocks(runDir)[0].info.pid, process.pid);
    taken.release();

    // Shards lock separately.
    const s0 = RunLock.acquire(runDir, { shard: { index: 0, count: 2 } });
    const s1 = RunLock.acquire(runDir, { shard: { index: 1, count: 2 } });
    assert.deepEqual(readLocks(runDir).map((l) => l.file), ['lock.0of2.json', 'lock.1of2.json']);
    s0.release();
    s1.release();
  } finally {
    cleanup();
  }
});

test("another host's lock is judged by its heartbeat", () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  const info = (beat: string) => ({ pid: 1, hostname: 'some-other-node', startedAt: beat, heartbeatAt: beat });
  assert.equal(isLive(info('2026-11-28T11:59:00Z'), now, 5 * 60_000), true);
  assert.equal(isLive(info('2026-11-28T11:50:00Z'), now, 5 * 60_000), false);
});

test('a run is complete when every trial has finished', () => {
  const { dir, cleanup } = tempDir('complete');
  try {
    const run = createRun(dir, newRun(2), 'done');
    const runDir = runDirOf(dir, run.runId);
    mkdirSync(runDir, { recursive: true });
    const log = openTrialLog(runDir);
    log.append(record('a'));
    log.append(record('b'));
    log.close();
    assert.equal(loadRun(dir, run.runId).status.state, 'complete');
    // Counted against a grid that has since changed (other keys), the same records finish nothing.
    const changed = loadRun(dir, run.runId, new Set(['a', 'x']));
    assert.deepEqual([changed.status.finished, changed.status.pending, changed.status.state], [1, 1, 'stopped']);
  } finally {
    cleanup();
  }
});
