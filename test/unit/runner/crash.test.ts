// Failures inside a run: the trainer killed with SIGKILL or aborting natively, NaN losses, thrown
// errors, a real onnxruntime out-of-memory, a torn last line in the store, a trainer that cannot
// start. Each must leave a complete, readable store and a run that goes on (or stops, bounded).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRunTrials } from '../../../server/core/experiment';
import type { RunnerLog } from '../../../server/runner';
import { finishedOnce, makeWorkspace, scriptedRunner, scriptEnv, storeRecords, trialLog, withTimeout } from './lib/fixtures';
import { Runner } from '../../../server/runner';

test('kill -9 of the trainer mid-step: that trial is recorded crashed, a new trainer finishes the rest, a resume retries it', async () => {
  const ws = makeWorkspace();
  const runner = scriptedRunner({ epochs: 1, stepsPerEpoch: 4, stepMs: 40, logFile: ws.logFile });
  const pids: number[] = [];
  let victim: { key: string; step: number } | undefined;
  runner.on('trainerStarted', (t) => pids.push(t.pid));
  runner.on('progress', (p) => {
    if (!victim && p.finishedTrials === 2 && p.current?.step === 2) {
      victim = { key: p.current.key, step: 2 };
      process.kill(pids.at(-1)!, 'SIGKILL');
    }
  });
  const handle = await runner.startRun({ experimentPath: ws.experimentPath, resultsDir: ws.resultsDir });
  const end = await withTimeout(handle.done, 30_000, 'the run');
  assert.ok(victim);
  assert.equal(end.state, 'finished');
  assert.equal(end.failedTrials, 1);
  assert.equal(end.finishedTrials, 7);
  assert.equal(pids.length, 2, 'one restart');

  const records = storeRecords(handle.runDir);
  assert.equal(records.length, 8);
  const crashed = records.find((r) => r.key === victim!.key)!;
  assert.equal(crashed.status, 'failed');
  assert.equal(crashed.error?.kind, 'crash');
  assert.match(crashed.error!.message, /SIGKILL/);
  // The kill landed while step 3 was under way, after step 2 was reported.
  assert.ok(crashed.error!.step! >= 3, `crash step ${crashed.error!.step}`);
  assert.equal(trialLog(ws).filter((l) => l.event === 'start' && l.key === victim!.key).length, 1, 'not retried within the run');

  const resumed = await runner.resumeRun(handle.runDir);
  assert.equal(resumed.pendingTrials, 1);
  assert.equal((await withTimeout(resumed.done, 30_000, 'the resume')).state, 'finished');
  const merged = readRunTrials(handle.runDir).trials;
  assert.equal(merged.length, 8);
  assert.ok(merged.every((r) => r.status === 'finished'), 'the crashed trial finished on resume');
  assert.ok([...finishedOnce(storeRecords(handle.runDir)).values()].every((n) => n === 1));
});

test('a native abort in a trial is recorded as a crash with SIGABRT; a NaN loss as nan with its step; an error as error', async () => {
  const ws = makeWorkspace({ methods: ['vanilla'], n: [2, 4], seeds: 2 });
  const runner = scriptedRunner({
    epochs: 2,
    stepsPerEpoch: 2,
    stepMs: 5,
    rules: [
      { match: { n: 2, dataSeed: 1 }, at: 2, action: 'abort' },
      { match: { n: 4, dataSeed: 0 }, at: 3, action: 'nan' },
      { match: { n: 4, dataSeed: 1 }, at: 1, action: 'throw' },
    ],
  });
  const handle = await runner.startRun({ experimentPath: ws.experimentPath, resultsDir: ws.resultsDir });
  const end = await withTimeout(handle.done, 30_000, 'the run');
  assert.equal(end.state, 'finished');
  assert.equal(end.failedTrials, 3);
  const byCell = new Map(storeRecords(handle.runDir).map((r) => [`${r.config.n}/${r.config.dataSeed}`, r]));
  assert.equal(byCell.get('2/0')!.status, 'finished');
  const aborted = byCell.get('2/1')!;
  assert.equal(aborted.error?.kind, 'crash');
  assert.match(aborted.error!.message, /SIGABRT/);
  assert.equal(aborted.error!.step, 2, 'the step under way');
  assert.deepEqual(byCell.get('4/0')!.error, { kind: 'nan', message: 'training loss became NaN at step 3', step: 3 });
  assert.equal(byCell.get('4/0')!.status, 'failed');
  assert.deepEqual(byCell.get('4/1')!.error, { kind: 'error', message: 'scripted failure at step 1', step: 1 });
});

test('onnxruntime running out of memory is recorded as oom with the size and node', async () => {
  const ws = makeWorkspace({ methods: ['lora'], n: [2], seeds: 1 });
  const runner = scriptedRunner({ epochs: 1, stepsPerEpoch: 2, stepMs: 1, rules: [{ match: {}, at: 2, action: 'ort-oom' }] });
  const handle = await runner.startRun({ experimentPath: ws.experimentPath, resultsDir: ws.resultsDir });
  await withTimeout(handle.done, 60_000, 'the run');
  const [record] = storeRecords(handle.runDir);
  assert.equal(record.status, 'failed');
  assert.equal(record.error?.kind, 'oom');
  assert.equal(record.error?.step, 2);
  assert.match(record.error!.message, /4\.0 TiB \(4398046511104 bytes\) for ConstantOfShape node 'huge_fill'/);
});

test('a torn last line (a write cut off by a crash) is reported, skipped and its trial run again', async () => {
  const ws = makeWorkspace({ n: [2] });
  const runner = scriptedRunner({ epochs: 1, stepsPerEpoch: 1, stepMs: 1, logFile: ws.logFile });
  const logs: RunnerLog[] = [];
  runner.on('log', (l) => logs.push(l));
  let count = 0;
  runner.on('trialFinished', (f) => {
    if (++count === 2) runner.cancelRun(f.runId);
  });
  const handle = await runner.startRun({ experimentPath: ws.experimentPath, resultsDir: ws.resultsDir });
  await withTimeout(handle.done, 30_000, 'the first part');
  const file = join(handle.runDir, 'trials.jsonl');
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  // Cancelled after the second trial; on a loaded machine a third may finish before the cancel lands.
  assert.ok(lines.length >= 2 && lines.length < 4, `${lines.length} records before the cancel`);
  const last = lines.length - 1;
  // Leave the last record half written, as a kill during the write would.
  writeFileSync(file, [...lines.slice(0, last), lines[last].slice(0, 40)].join('\n'));

  const resumed = await runner.resumeRun(handle.runDir);
  assert.equal(resumed.pendingTrials, 4 - last, 'the torn trial counts as not done');
  await withTimeout(resumed.done, 30_000, 'the resume');
  assert.ok(logs.some((l) => l.level === 'warning' && new RegExp(`line ${last + 1} is incomplete`).test(l.message)), 'the torn line is reported');
  const read = readRunTrials(handle.runDir);
  assert.equal(read.trials.length, 4);
  assert.ok(read.trials.every((r) => r.status === 'finished'));
  assert.equal(read.warnings.length, 1, 'only the torn line is skipped: the next record starts on a new line');
  assert.equal(readFileSync(file, 'utf8').split('\n')[last], lines[last].slice(0, 40));
});

test('a trainer that cannot start ends the run after a bounded number of attempts', async () => {
  const ws = makeWorkspace({ n: [2], seeds: 1 });
  const dying = join(ws.dir, 'dyingTrainer.cjs');
  writeFileSync(dying, 'process.exit(3);\n');
  const runner = new Runner({ trainerEntry: { modulePath: dying, execArgv: [] }, maxStartupFailures: 3 });
  let starts = 0;
  runner.on('trainerStarted', () => starts++);
  const handle = await runner.startRun({ experimentPath: ws.experimentPath, resultsDir: ws.resultsDir });
  const end = await withTimeout(handle.done, 30_000, 'the run');
  assert.equal(end.state, 'failed');
  assert.match(end.error!, /exited with code 3/);
  assert.equal(starts, 3);
  assert.deepEqual(storeRecords(handle.runDir), [], 'nothing recorded for trials that never started');

  // A trainer that says why it cannot start is not restarted.
  appendFileSync(ws.logFile, '');
  const broken = new Runner({ env: { ...scriptEnv({ epochs: 1, stepsPerEpoch: 1, stepMs: 1 }), FTLAB_TEST_TRIAL_MODULE: join(ws.dir, 'missing.ts') } });
  let brokenStarts = 0;
  broken.on('trainerStarted', () => brokenStarts++);
  const second = await broken.resumeRun(handle.runDir);
  const secondEnd = await withTimeout(second.done, 30_000, 'the second run');
  assert.equal(secondEnd.state, 'failed');
  assert.match(secondEnd.error!, /training code could not be loaded/);
  assert.equal(brokenStarts, 1);
});

test('a store that cannot be written (disk full) stops the run with the reason instead of training on', async () => {
  const ws = makeWorkspace({ n: [2], seeds: 2 });
  const runner = scriptedRunner({ epochs: 1, stepsPerEpoch: 1, stepMs: 1, logFile: ws.logFile });
  const handle = await runner.startRun({ experimentPath: ws.experimentPath, resultsDir: ws.resultsDir });
  // The trainer opens the log only once it has started: by then every write of it fails with ENOSPC.
  symlinkSync('/dev/full', join(handle.runDir, 'trials.jsonl'));
  const end = await withTimeout(handle.done, 30_000, 'the run');
  unlinkSync(join(handle.runDir, 'trials.jsonl')); // (reading /dev/full never ends)
  assert.equal(end.state, 'failed');
  assert.match(end.error!, /Could not save trial .* the disk is full \(ENOSPC\)\. Trials saved before it are intact/);
  assert.equal(trialLog(ws).filter((l) => l.event === 'start').length, 1, 'no trial trained after the store failed');
  assert.deepEqual(readdirSync(handle.runDir).filter((f) => f.startsWith('lock')), []);
});
