// The runner end to end with real trainer processes (the scripted trial stands in for training):
// a full run, resume, queueing, cancel, and refusing an invalid experiment.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandGrid, loadExperimentFile, readManifest, readRunTrials } from '../../../server/core/experiment';
import { ExperimentInvalidError, type RunnerProgress } from '../../../server/runner';
import { finishedOnce, makeWorkspace, scriptedRunner, storeRecords, trialLog, withTimeout } from './lib/fixtures';

const quick = { epochs: 2, stepsPerEpoch: 2, stepMs: 5 };

test('a run trains every trial of the grid once, in a trainer process, and writes the store', async () => {
  const ws = makeWorkspace();
  const runner = scriptedRunner({ ...quick, logFile: ws.logFile });
  const progress: RunnerProgress[] = [];
  const pids: number[] = [];
  runner.on('progress', (p) => progress.push(p));
  runner.on('trainerStarted', (t) => pids.push(t.pid));

  const handle = await runner.startRun({ experimentPath: ws.experimentPath, resultsDir: ws.resultsDir, provider: 'cpu' });
  assert.equal(handle.totalTrials, 8);
  assert.equal(handle.pendingTrials, 8);
  const finished = await withTimeout(handle.done, 30_000, 'the run');

  assert.deepEqual(finished, { runId: handle.runId, state: 'finished', finishedTrials: 8, failedTrials: 0, totalTrials: 8 });
  const records = storeRecords(handle.runDir);
  const expected = expandGrid(loadExperimentFile(ws.experimentPath).spec!).map((t) => t.key);
  assert.deepEqual(records.map((r) => r.key), expected, 'grid order, each once');
  assert.ok(records.every((r) => r.status === 'finished' && r.provider === 'cpu' && r.trainLoss.length === 2));
  // Trials ran in the trainer, not in this process.
  assert.equal(pids.length, 1);
  assert.ok(trialLog(ws).every((l) => l.pid === pids[0] && l.pid !== process.pid));

  const manifest = readManifest(handle.runDir);
  assert.equal(manifest.totalTrials, 8);
  assert.equal(manifest.provider, 'cpu');
  assert.equal(manifest.versions.node, process.versions.node);
  assert.match(manifest.versions.onnxruntime, /^\d+\.\d+\.\d+/);
  assert.equal(manifest.experimentPath, ws.experimentPath);

  const steps = progress.filter((p) => p.current && p.current.step > 0);
  assert.ok(steps.length >= 8 * 4, 'a progress event per step');
  assert.ok(steps.every((p) => p.current!.steps === 4 && p.current!.epochs === 2));
  const last = progress.at(-1)!;
  assert.equal(last.finishedTrials, 8);
  assert.equal(last.doneThisRun, 8);
  assert.equal(progress.find((p) => p.finishedTrials === 0 && p.etaS !== undefined), undefined, 'no ETA before a trial finished');
  assert.ok(progress.some((p) => p.finishedTrials >= 1 && p.finishedTrials < 8 && typeof p.etaS === 'number' && p.etaS > 0), 'an ETA once trials finished');
  // The lock is gone once the run ends.
  assert.deepEqual(readdirSync(handle.runDir).filter((f) => f.startsWith('lock')), []);
});

test('a resume trains only the trials that are not finished, and repeats none', async () => {
  const ws = makeWorkspace();
  const runner = scriptedRunner({ epochs: 1, stepsPerEpoch: 3, stepMs: 20, logFile: ws.logFile });
  let done = 0;
  let runId = '';
  runner.on('trialFinished', (f) => {
    if (++done === 3) runner.cancelRun(f.runId);
  });
  const first = await runner.startRun({ experimentPath: ws.experimentPath, resultsDir: ws.resultsDir });
  runId = first.runId;
  const stopped = await withTimeout(first.done, 30_000, 'the cancelled run');
  assert.equal(stopped.state, 'cancelled');
  const before = storeRecords(first.runDir);
  assert.equal(before.length, 3, 'exactly the three finished trials are stored');

  const resumed = await runner.resumeRun(first.runDir);
  assert.equal(resumed.runId, runId);
  assert.equal(resumed.pendingTrials, 5);
  const end = await withTimeout(resumed.done, 30_000, 'the resumed run');
  assert.equal(end.state, 'finished');
  assert.equal(end.finishedTrials, 8);

  const records = storeRecords(first.runDir);
  assert.equal(records.length, 8);
  assert.ok([...finishedOnce(records).values()].every((n) => n === 1), 'no trial finished twice');
  const startedAfterResume = trialLog(ws).filter((l) => l.event === 'start').map((l) => l.key).slice(-5);
  assert.ok(startedAfterResume.every((k) => !before.some((r) => r.key === k)), 'the resume started no finished trial');
});

test('two runs started at once are queued, not interleaved', async () => {
  const a = makeWorkspace({ name: 'first', n: [2] });
  const b = makeWorkspace({ name: 'second', n: [4] });
  const logFile = join(a.dir, 'both.log');
  const runner = scriptedRunner({ ...quick, logFile });
  const states: string[] = [];
  runner.on('progress', (p) => states.push(`${p.runId}:${p.state}`));
  const [ha, hb] = await Promise.all([
    runner.startRun({ experimentPath: a.experimentPath, resultsDir: a.resultsDir }),
    runner.startRun({ experimentPath: b.experimentPath, resultsDir: b.resultsDir }),
  ]);
  assert.deepEqual(runner.runs(), { active: ha.runId, queued: [hb.runId] });
  await withTimeout(Promise.all([ha.done, hb.done]), 30_000, 'both runs');

  assert.ok(states.includes(`${hb.runId}:queued`), 'the second run is reported queued');
  const starts = trialLog({ ...a, logFile }).filter((l) => l.event === 'start');
  const aKeys = new Set(storeRecords(ha.runDir).map((r) => r.key));
  const firstB = starts.findIndex((l) => !aKeys.has(l.key));
  assert.equal(firstB, 4, 'all four trials of the first run come before any of the second');
  assert.equal(storeRecords(hb.runDir).length, 4);
});

test('cancel during a step stops after that step and keeps the finished trials', async () => {
  const ws = makeWorkspace();
  const runner = scriptedRunner({ epochs: 1, stepsPerEpoch: 5, stepMs: 150, logFile: ws.logFile });
  let cancelledAt: { key: string; step: number } | undefined;
  runner.on('progress', (p) => {
    if (!cancelledAt && p.finishedTrials === 1 && p.current && p.current.step === 2) {
      cancelledAt = { key: p.current.key, step: p.current.step };
      // The trainer is inside step 3 now (blocked): the cancel lands when that step ends.
      assert.equal(runner.cancelRun(p.runId), true);
    }
  });
  const handle = await runner.startRun({ experimentPath: ws.experimentPath, resultsDir: ws.resultsDir });
  const end = await withTimeout(handle.done, 30_000, 'the cancelled run');
  assert.ok(cancelledAt);
  assert.equal(end.state, 'cancelled');
  assert.equal(end.finishedTrials, 1);
  const records = storeRecords(handle.runDir);
  assert.equal(records.length, 1, 'the cancelled trial left no record');
  assert.equal(records[0].status, 'finished');
  const steps = trialLog(ws).filter((l) => l.event === 'step' && l.key === cancelledAt!.key).map((l) => l.step);
  // The cancel lands while step 3 runs (or, on a slow machine, in the pause after step 2): the
  // step under way completes and no other begins.
  assert.ok(steps.length === 2 || steps.length === 3, `steps run: ${steps.join(',')}`);
  assert.deepEqual(steps, [1, 2, 3].slice(0, steps.length));
  assert.equal(runner.cancelRun(handle.runId), false, 'nothing left to cancel');
});

test('an experiment with errors is refused with located diagnostics and creates no run', async () => {
  const ws = makeWorkspace();
  writeFileSync(ws.experimentPath, 'name: broken\nmodels: [./model]\ntasks: [cola]\nmethods: [vanila]\nn: [2]\nseeds: 1\n');
  const runner = scriptedRunner(quick);
  await assert.rejects(
    runner.startRun({ experimentPath: ws.experimentPath, resultsDir: ws.resultsDir }),
    (error: unknown) => {
      assert.ok(error instanceof ExperimentInvalidError);
      const first = error.diagnostics.find((d) => d.severity === 1)!;
      assert.equal(first.range.start.line, 3);
      assert.match(first.message, /vanila/);
      return true;
    },
  );
  assert.equal(existsSync(ws.resultsDir), false);
});

test('shards of one run id split the grid, write their own logs and merge to the whole grid', async () => {
  const ws = makeWorkspace();
  const runner = scriptedRunner(quick);
  const runId = '20260101-000000-sharded';
  const seen: string[] = [];
  runner.on('progress', (p) => {
    if (p.shard !== '1/2' || !p.current) return;
    // `ftlab status` reads which trial each shard is on from this file.
    const file = join(ws.resultsDir, runId, 'progress.1of2.json');
    seen.push(JSON.parse(readFileSync(file, 'utf8')).key === p.current.key ? 'ok' : 'stale');
  });
  const first = await runner.startRun({ experimentPath: ws.experimentPath, resultsDir: ws.resultsDir, runId, shard: '0/2' });
  const second = await runner.startRun({ experimentPath: ws.experimentPath, resultsDir: ws.resultsDir, runId, shard: '1/2' });
  assert.equal(first.runDir, second.runDir);
  assert.equal(first.totalTrials + second.totalTrials, 8);
  await withTimeout(Promise.all([first.done, second.done]), 30_000, 'both shards');

  const a = storeRecords(first.runDir, 'trials.0of2.jsonl');
  const b = storeRecords(first.runDir, 'trials.1of2.jsonl');
  assert.equal(a.length + b.length, 8);
  assert.ok(a.every((r) => r.shard === '0/2') && b.every((r) => r.shard === '1/2'));
  const all = expandGrid(loadExperimentFile(ws.experimentPath).spec!).map((t) => t.key).sort();
  assert.deepEqual([...a, ...b].map((r) => r.key).sort(), all, 'a partition of the grid');
  assert.deepEqual(readRunTrials(first.runDir).trials.map((r) => r.key).sort(), all);
  assert.ok(seen.length > 0 && seen.every((s) => s === 'ok'));
  assert.equal(existsSync(join(first.runDir, 'progress.1of2.json')), false, 'removed when the shard ends');

  // A shard joining with an edited experiment (another grid) is refused.
  writeFileSync(ws.experimentPath, readFileSync(ws.experimentPath, 'utf8').replace('n: [2, 4]', 'n: [2, 8]'));
  await assert.rejects(runner.startRun({ experimentPath: ws.experimentPath, resultsDir: ws.resultsDir, runId, shard: '0/2' }), /different version of the experiment/);
});
