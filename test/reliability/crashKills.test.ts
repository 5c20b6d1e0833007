// Crash safety of real runs: `ftlab run` (the built CLI, the real trainer, onnxruntime, the tiny
// demo model) killed with SIGKILL at seeded random moments — the trainer alone, the runner alone
// (its trainer orphaned), and the whole process group at once — across loading, optimizer steps,
// evaluation and the writing of results. After every kill the store must hold only whole records
// (a torn last line is reported and skipped), every record stored as finished must stay exactly as
// it was, and rerunning the command must finish the grid without repeating a finished trial.
// FTLAB_RELIABILITY_SEED replays a failing sequence of kill points.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expandGrid, loadExperimentFile } from '../../server/core/experiment';
import { buildProduct } from './lib/builtProduct';
import { cliEnv, makeWorkspace, type Workspace } from './lib/experiments';
import { alive, childPids, killGroup, runCli, sleep, startCli, waitFor } from './lib/processes';
import { SeededRng, testSeed } from './lib/rng';
import { readStoreLines, runFolders } from './lib/storeCheck';
import { reportedTornLines, StoreWitness, tearLastLine, TrialClock } from './lib/crashWitness';

const product = buildProduct();
const SEED = testSeed(20261128);
// 16 trials (24 with 3 seeds): every kind of work a trial does (a classification head, the LM
// head, LoRA, ICL without training); 2 or 4 optimizer steps each (after compiling the step graph,
// which counts as the first step) and 2 × 32 eval batches, so that evaluation is a good part of a
// trial's time and kill points land there too.
const GRID = { methods: ['vanilla', 'pbft', 'lora', 'icl'], n: [2, 4], seeds: 2, epochs: 1, batchSize: 2, evalExamples: 64, evalBatch: 2 };
const EXPECT = { epochs: 1, evalSets: ['cola-in-domain-dev', 'cola-ood-dev'], evalCount: 64 };
const RUN_ARGS = (ws: Workspace) => ['run', ws.experimentPath, '--provider', 'cpu'];

function gridKeys(ws: Workspace): string[] {
  const { spec } = loadExperimentFile(ws.experimentPath);
  assert.ok(spec);
  return expandGrid(spec).map((t) => t.key);
}

function runDirOf(ws: Workspace): string | undefined {
  const runs = runFolders(ws.resultsDir);
  assert.ok(runs.length <= 1, `one run folder, got ${runs.join(', ')}`);
  return runs[0] && join(ws.resultsDir, runs[0]);
}

function storeBytes(ws: Workspace): number {
  const runDir = runDirOf(ws);
  return runDir && existsSync(join(runDir, 'trials.jsonl')) ? statSync(join(runDir, 'trials.jsonl')).size : 0;
}

/** Reruns `ftlab run` (unless the grid is already complete) and checks the whole grid finished once. */
async function finishGrid(ws: Workspace, witness: StoreWitness, keys: string[]): Promise<string> {
  const finishedKeys = () => new Set(readStoreLines(runDirOf(ws)!).records.filter((r) => r.status === 'finished').map((r) => r.key));
  let output = '';
  if (finishedKeys().size < keys.length) {
    const final = await runCli(product.cli, RUN_ARGS(ws), { cwd: ws.dir, env: cliEnv(ws) });
    assert.equal(final.code, 0, `the last rerun finishes the grid:\n${final.stdout}\n${final.stderr}`);
    output = final.stdout + final.stderr;
  }
  witness.check(runDirOf(ws), 'after the last rerun');
  assert.deepEqual([...finishedKeys()].sort(), [...keys].sort(), 'every trial of the grid finished');
  return output;
}

/**
 * Runs `ftlab run` on a fresh grid again and again, killing its trainers at seeded moments, until
 * `budget` kills are spent or the grid is done; then checks the store and finishes the grid.
 */
async function killTrainersOnOneGrid(rng: SeededRng, budget: number, kills: { from: string; delayMs: number }[]): Promise<string> {
  const ws = makeWorkspace('kill-trainer', GRID);
  const keys = gridKeys(ws);
  const witness = new StoreWitness(EXPECT);
  const clock = new TrialClock();
  const target = kills.length + budget;
  for (let attempt = 0; kills.length < target && attempt < 20; attempt++) {
    const cli = startCli(product.cli, RUN_ARGS(ws), { cwd: ws.dir, env: cliEnv(ws) });
    const killed = new Set<number>();
    let exited = false;
    void cli.result.then(() => (exited = true));
    while (!exited && kills.length < target) {
      const trainer = await waitFor('a trainer', () => exited || childPids(cli.child.pid!).find((p) => !killed.has(p)), 30_000, 2).catch(() => undefined);
      if (exited || typeof trainer !== 'number') break;
      // A third of the kill points count from a fresh trainer's start (fork, onnxruntime, the
      // model); the others from the moment a trial's record appeared, a random part of a trial's
      // time on this machine later, so they land in the next trial's graph compilation, steps,
      // evaluation and record writing whatever the machine's speed.
      const from = rng.next() < 0.3 ? 'trainer start' : 'last record';
      let delayMs = rng.int(50, 1500);
      if (from === 'last record') {
        const before = storeBytes(ws);
        await waitFor('a new record', () => (clock.observe(storeBytes(ws)), exited || !alive(trainer) || storeBytes(ws) > before), 30_000, 3);
        delayMs = Math.round(rng.next() * clock.trialMs());
      }
      await sleep(delayMs);
      if (exited || !alive(trainer)) continue;
      process.kill(trainer, 'SIGKILL');
      killed.add(trainer);
      kills.push({ from, delayMs });
    }
    const end = await cli.result;
    assert.ok(end.code === 0 || end.code === 1, `the run ends with a result, not a crash (code ${end.code}):\n${end.stderr}`);
    witness.check(runDirOf(ws), `after trainer kills (attempt ${attempt})`);
    if (end.code === 0) break; // the grid is done: another attempt would start a new run
  }
  await finishGrid(ws, witness, keys);
  return runDirOf(ws)!;
}

test('kill -9 of the trainer at seeded random moments: crashed trials are recorded with where they died, the rest goes on, reruns finish the grid', async () => {
  const rng = new SeededRng(SEED);
  const TARGET = 14;
  const kills: { from: string; delayMs: number }[] = [];
  const runDirs: string[] = [];
  // A fast machine may finish a grid before all kills are spent: then the next grid takes the rest.
  while (kills.length < TARGET && runDirs.length < 4) runDirs.push(await killTrainersOnOneGrid(rng, TARGET - kills.length, kills));
  assert.equal(kills.length, TARGET, `${TARGET} kills of a live trainer`);

  const crashes = runDirs.flatMap((dir) => readStoreLines(dir).records.filter((r) => r.error?.kind === 'crash'));
  for (const c of crashes) {
    assert.match(c.error!.message, /killed by SIGKILL .*(during training step \d+( of \d+)?|during evaluation|while loading|as the trial started)/, c.error!.message);
  }
  const where = (re: RegExp) => crashes.filter((c) => re.test(c.error!.message)).length;
  const summary = {
    seed: SEED,
    grids: runDirs.length,
    kills: kills.length,
    crashRecords: crashes.length,
    duringSteps: where(/during training step/),
    duringEval: where(/during evaluation/),
    whileLoading: where(/while loading|as the trial started/),
    // Kills with no crash record: at trainer start-up, between trials, or after the record was written.
    outsideATrial: kills.length - crashes.length,
  };
  console.log(`trainer kill points: ${JSON.stringify(summary)}`);
  assert.ok(summary.duringSteps + summary.duringEval > 0, 'some kills landed in steps or evaluation');
});

interface RunnerKills {
  group: number;
  runnerOnly: number;
  tornLines: number;
  tornReported: number;
}

/**
 * Runs `ftlab run` on a fresh grid again and again, each time killing the runner (alone, or with
 * its process group) at a seeded moment, and sometimes cutting the last record in half as a write
 * interrupted by the crash would; until `budget` kills are spent or the grid is done. Every torn
 * line must be reported by the next run that gets as far as training, and by `ftlab report`.
 */
async function killRunnersOnOneGrid(rng: SeededRng, budget: number, kinds: RunnerKills): Promise<number> {
  const ws = makeWorkspace('kill-runner', GRID);
  const keys = gridKeys(ws);
  const witness = new StoreWitness(EXPECT);
  const clock = new TrialClock();
  const torn: number[] = [];
  let unreported: number[] = [];
  let tearPending = false;
  let kills = 0;
  const checkReports = (output: string, context: string) => {
    const reported = reportedTornLines(output);
    kinds.tornReported += unreported.filter((n) => reported.has(n)).length;
    unreported = unreported.filter((n) => !reported.has(n));
    // Store warnings are reported before the first trial: a run that trained said it.
    if (/^\[\d+\/\d+\] /m.test(output)) assert.deepEqual(unreported, [], `${context}: the run trained on without reporting torn lines`);
  };
  while (kills < budget) {
    const cli = startCli(product.cli, RUN_ARGS(ws), { cwd: ws.dir, env: cliEnv(ws) });
    let exited = false;
    void cli.result.then(() => (exited = true));
    // Most kill points count from the moment a record appeared, a random part of a trial's time
    // later (so they fall in the next trial whatever the machine's speed); some from the
    // command's start (start-up, reading the store, the first trial).
    const from = rng.next() < 0.25 ? 'start' : 'last record';
    let delayMs = rng.int(200, 1500);
    if (from === 'last record') {
      const before = storeBytes(ws);
      await waitFor('a new record', () => (clock.observe(storeBytes(ws)), exited || storeBytes(ws) > before), 60_000, 3);
      delayMs = Math.round(rng.next() * clock.trialMs());
    }
    await sleep(delayMs);
    if (exited) {
      // The grid finished before this kill point.
      const outcome = await cli.result;
      assert.equal(outcome.code, 0, outcome.stderr);
      checkReports(outcome.stdout + outcome.stderr, 'the run that finished the grid');
      break;
    }
    const trainers = childPids(cli.child.pid!);
    if (rng.next() < 0.5) {
      killGroup(cli.child.pid!);
      kinds.group++;
    } else {
      // The runner alone (the language server or CLI crashing): its trainer must notice and stop.
      process.kill(cli.child.pid!, 'SIGKILL');
      kinds.runnerOnly++;
    }
    kills++;
    const end = await cli.result;
    assert.equal(end.signal, 'SIGKILL');
    checkReports(end.stdout + end.stderr, `the run killed at kill point ${kills}`);
    for (const pid of trainers) await waitFor(`the orphaned trainer ${pid} to stop`, () => !alive(pid), 15_000, 20);
    const runDir = runDirOf(ws);
    witness.check(runDir, `after runner kill ${kills} (${from}, ${delayMs} ms)`);
    // A third of the kills also cut the last record in half (at the next kill that has one to cut).
    tearPending = tearPending || rng.next() < 0.35;
    if (runDir && tearPending) {
      const cut = tearLastLine(runDir);
      if (cut) {
        tearPending = false;
        witness.tore(cut.key, cut.fragment);
        torn.push(cut.line);
        unreported.push(cut.line);
        kinds.tornLines++;
      }
    }
  }
  checkReports(await finishGrid(ws, witness, keys), 'the last rerun');
  const report = await runCli(product.cli, ['report', runDirOf(ws)!], { cwd: ws.dir, env: cliEnv(ws) });
  assert.equal(report.code, 0, report.stderr);
  assert.deepEqual([...reportedTornLines(report.stdout + report.stderr)].sort(), [...torn].sort(), 'ftlab report names every torn line');
  kinds.tornReported += unreported.length;
  return kills;
}

test('kill -9 of the runner (alone, and with its whole process group) at seeded random moments; some writes cut off: reruns report the torn line and finish the grid', async () => {
  const rng = new SeededRng(SEED + 1);
  const TARGET = 10;
  const kinds: RunnerKills = { group: 0, runnerOnly: 0, tornLines: 0, tornReported: 0 };
  let kills = 0;
  for (let grid = 0; kills < TARGET && grid < 4; grid++) kills += await killRunnersOnOneGrid(rng, TARGET - kills, kinds);
  console.log(`runner kill points: ${JSON.stringify({ seed: SEED + 1, kills, ...kinds })}`);
  assert.equal(kills, TARGET);
  assert.ok(kinds.tornLines > 0, 'some writes were cut off');
  assert.equal(kinds.tornReported, kinds.tornLines, 'every torn line was reported');
});
