// `ftlab run` as a process: exit codes (0 all finished, 1 some failed, 130 interrupted), plain
// progress lines off a TTY, a rerun that continues the unfinished run, Ctrl-C that stops after the
// current step, and kill -9 of the whole CLI (runner) process: the rerun repeats no finished
// trial and finishes the grid, and the orphaned trainer writes nothing more.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readRunTrials } from '../../server/core/experiment';
import type { TrialScript } from '../unit/runner/lib/scriptedTrial';
import { finishedOnce, makeWorkspace, scriptEnv, storeRecords, trialLog, type Workspace } from '../unit/runner/lib/fixtures';
import { runCliProcess, startCli } from './lib/cliProcess';

function env(ws: Workspace, script: Omit<TrialScript, 'logFile'>): NodeJS.ProcessEnv {
  return { ...scriptEnv({ ...script, logFile: ws.logFile }), FTLAB_RESULTS_DIR: ws.resultsDir };
}

function onlyRun(ws: Workspace): string {
  const runs = readdirSync(ws.resultsDir);
  assert.equal(runs.length, 1, `one run folder, got ${runs.join(', ')}`);
  return join(ws.resultsDir, runs[0]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('exit 0 when every trial finished, 1 when one failed; a rerun continues with the failed trial only', async () => {
  const ws = makeWorkspace({ n: [2], seeds: 2 });
  const ok = await runCliProcess(['run', 'exp.ftlab.yaml', '--provider', 'cpu'], { cwd: ws.dir, env: env(ws, { epochs: 1, stepsPerEpoch: 2, stepMs: 5 }) });
  assert.equal(ok.code, 0, ok.stderr);
  const lines = ok.stdout.split('\n').filter((l) => l.startsWith('['));
  assert.equal(lines.length, 4, ok.stdout);
  assert.match(lines[0], /^\[1\/4\] vanilla n=2 seed 0 · cola · \.\/model — finished in \d+\.\ds · acc cola-in-domain-dev 0\.520, cola-ood-dev 0\.470 · ETA \d+s$/);
  assert.doesNotMatch(lines[3], /ETA/, 'no ETA once the last trial is done');
  assert.match(ok.stdout, /run \S+ finished: 4 finished, 0 failed, 4 in all/);
  assert.doesNotMatch(ok.stdout + ok.stderr, /\r|\x1b\[/, 'no redrawn progress bar off a TTY');

  const ws2 = makeWorkspace({ n: [2], seeds: 2 });
  const nan = { epochs: 1, stepsPerEpoch: 2, stepMs: 5, rules: [{ match: { method: 'pbft' as const, dataSeed: 1 }, at: 2, action: 'nan' as const }] };
  const failed = await runCliProcess(['run', 'exp.ftlab.yaml'], { cwd: ws2.dir, env: env(ws2, nan) });
  assert.equal(failed.code, 1, failed.stderr);
  assert.match(failed.stdout, /\[4\/4\] pbft n=2 seed 1 · cola · \.\/model — FAILED nan at step 2: training loss became NaN at step 2/);
  const runDir = onlyRun(ws2);
  assert.equal(storeRecords(runDir).length, 4, 'the store is complete: the failure is recorded');

  const again = await runCliProcess(['run', 'exp.ftlab.yaml'], { cwd: ws2.dir, env: env(ws2, { epochs: 1, stepsPerEpoch: 2, stepMs: 5 }) });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /continuing run \S+: 1 of 4 trials to train \(3 finished earlier\)/);
  assert.equal(onlyRun(ws2), runDir);
  assert.ok(readRunTrials(runDir).trials.every((t) => t.status === 'finished'));
  assert.equal(trialLog(ws2).filter((l) => l.event === 'start').length, 5, 'four trials, then only the failed one again');
});

test('Ctrl-C (to the process group) stops after the current step, keeps the finished trials, exits 130; the rerun finishes the grid', async () => {
  const ws = makeWorkspace({ n: [2], seeds: 2 });
  const script = { epochs: 1, stepsPerEpoch: 4, stepMs: 100 };
  const { child, result } = startCli(['run', 'exp.ftlab.yaml'], { cwd: ws.dir, env: env(ws, script), group: true });
  await waitFor('two finished trials', () => existsSync(ws.resultsDir) && readdirSync(ws.resultsDir).length === 1 && storeRecords(onlyRun(ws)).length === 2);
  // As a terminal does: SIGINT to the whole foreground group, the trainer included.
  process.kill(-child.pid!, 'SIGINT');
  const end = await result;
  assert.equal(end.code, 130, end.stderr);
  assert.match(end.stdout, /stopping after the current step/);
  const runDir = onlyRun(ws);
  assert.equal(storeRecords(runDir).length, 2, 'the interrupted trial left no record');
  const third = trialLog(ws).filter((l) => l.event === 'start')[2];
  const stepsOfThird = trialLog(ws).filter((l) => l.event === 'step' && l.key === third.key).length;
  assert.ok(stepsOfThird >= 1 && stepsOfThird < 4, `the third trial stopped part-way (${stepsOfThird} steps)`);
  assert.deepEqual(readdirSync(runDir).filter((f) => f.startsWith('lock')), [], 'the lock is released');

  const rerun = await runCliProcess(['run', 'exp.ftlab.yaml'], { cwd: ws.dir, env: env(ws, { ...script, stepMs: 5 }) });
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.equal(storeRecords(runDir).length, 4);
  assert.ok([...finishedOnce(storeRecords(runDir)).values()].every((n) => n === 1));
});

test('kill -9 of the whole runner: the rerun repeats no finished trial and finishes the grid; the orphaned trainer stops', async () => {
  const ws = makeWorkspace({ n: [2, 4], seeds: 2 });
  const script = { epochs: 1, stepsPerEpoch: 3, stepMs: 60 };
  const { child, result } = startCli(['run', 'exp.ftlab.yaml'], { cwd: ws.dir, env: env(ws, script) });
  await waitFor('three finished trials', () => existsSync(ws.resultsDir) && readdirSync(ws.resultsDir).length === 1 && storeRecords(onlyRun(ws)).length === 3);
  child.kill('SIGKILL');
  const killed = await result;
  assert.equal(killed.signal, 'SIGKILL');
  const runDir = onlyRun(ws);
  const trainerPid = trialLog(ws)[0].pid;
  // Without its runner the trainer stops after its current step, writing nothing more.
  await waitFor('the orphaned trainer to exit', () => !alive(trainerPid), 10_000);
  const afterKill = storeRecords(runDir);
  assert.ok(afterKill.length >= 3 && afterKill.length <= 4, `${afterKill.length} records after the kill`);
  assert.ok(afterKill.every((r) => r.status === 'finished'));

  const rerun = await runCliProcess(['run', 'exp.ftlab.yaml'], { cwd: ws.dir, env: env(ws, { ...script, stepMs: 5 }) });
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.match(rerun.stderr, new RegExp(`continuing run \\S+: ${8 - afterKill.length} of 8 trials to train`), 'the stale lock of the killed runner does not block');
  const records = storeRecords(runDir);
  assert.equal(records.length, 8);
  const counts = finishedOnce(records);
  assert.equal(counts.size, 8);
  assert.ok([...counts.values()].every((n) => n === 1), 'no finished trial was repeated');
  const startedBeforeKill = new Set(afterKill.map((r) => r.key));
  const rerunStarts = trialLog(ws).filter((l) => l.event === 'start' && l.pid !== trainerPid).map((l) => l.key);
  assert.ok(rerunStarts.every((k) => !startedBeforeKill.has(k)), 'the rerun started no trial that was stored');
});
