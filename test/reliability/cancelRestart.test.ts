// Cancel and restart through the real language server (the built server.js forking the built
// trainer.js, real onnxruntime, the tiny demo model): cancel during an optimizer step, during
// evaluation and during a model download from a slow Hub on 127.0.0.1; and the server going away
// mid-run — killed, or shut down as a VS Code window reload does — after which a new server lists
// the run as interrupted and `ftlab/resumeRun` finishes it without repeating a finished trial.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cancelRunRequest, listRunsRequest, resumeRunRequest, startRunRequest, type StartRunResult } from '../../protocol/lsp';
import { expandGrid, loadExperimentFile } from '../../server/core/experiment';
import { FakeHub } from '../unit/hub/fakeHub';
import { DEMO_MODEL } from './lib/builtProduct';
import { makeWorkspace, type ExperimentOptions, type Workspace } from './lib/experiments';
import { startLspSession, type LspSession } from './lib/lspSession';
import { alive, childPids, waitFor } from './lib/processes';
import { assertNoFinishedTwice, readStoreLines } from './lib/storeCheck';
import { tempDir } from './lib/tempDirs';

function gridKeys(ws: Workspace): string[] {
  return expandGrid(loadExperimentFile(ws.experimentPath).spec!).map((t) => t.key);
}

async function start(session: LspSession, ws: Workspace): Promise<StartRunResult> {
  return session.connection.sendRequest(startRunRequest, { experimentUri: pathToFileURL(ws.experimentPath).toString() });
}

/** Cancels and measures how long the run takes to stop. */
async function cancelAndWait(session: LspSession, runId: string): Promise<{ stoppedInMs: number }> {
  const at = Date.now();
  const { cancelled } = await session.connection.sendRequest(cancelRunRequest, { runId });
  assert.equal(cancelled, true);
  const end = await session.waitFinished(runId, 30_000);
  assert.equal(end.state, 'cancelled', JSON.stringify(end));
  return { stoppedInMs: Date.now() - at };
}

/** In a (possibly new) server: the run is listed as interrupted, resumes and finishes the grid once. */
async function resumeToTheEnd(session: LspSession, ws: Workspace, run: StartRunResult, expectedKeys: string[]): Promise<void> {
  const { runs } = await session.connection.sendRequest(listRunsRequest, { workspaceFolderUri: pathToFileURL(ws.dir).toString() });
  const listed = runs.find((r) => r.runId === run.runId);
  assert.equal(listed?.state, 'interrupted', `listed as ${listed?.state}`);
  const before = readStoreLines(run.runDir).records.filter((r) => r.status === 'finished').length;
  assert.equal(listed.finishedTrials, before);
  const seen = session.finished.length;
  const resumed = await session.connection.sendRequest(resumeRunRequest, { runId: run.runId });
  assert.equal(resumed.runDir, run.runDir);
  const end = await session.waitFinished(run.runId, 120_000, seen);
  assert.equal(end.state, 'finished', JSON.stringify(end));
  const { records, broken } = readStoreLines(run.runDir);
  assert.deepEqual(broken, []);
  assertNoFinishedTwice(records);
  assert.deepEqual([...new Set(records.filter((r) => r.status === 'finished').map((r) => r.key))].sort(), [...expectedKeys].sort());
  assert.equal(records.filter((r) => r.status === 'failed').length, 0, 'a cancelled or interrupted trial is not recorded as failed');
}

function workspaceWith(prefix: string, options: ExperimentOptions): Workspace {
  return makeWorkspace(prefix, options);
}

test('cancel during an optimizer step stops after that step; the trial is not recorded; resume finishes', async () => {
  const ws = workspaceWith('cancel-step', { methods: ['vanilla'], n: [2, 8], seeds: 1, epochs: 8 });
  const session = await startLspSession({ workspace: ws.dir });
  try {
    const run = await start(session, ws);
    const inStep = await session.waitProgress((p) => p.phase === 'train' && p.current?.config.n === 8 && p.current.step >= 2);
    const { stoppedInMs } = await cancelAndWait(session, run.runId);
    const steps = inStep.current!.steps;
    const lastStep = Math.max(...session.progress.filter((p) => p.current?.key === inStep.current!.key).map((p) => p.current!.step));
    assert.ok(lastStep < steps, `stopped at step ${lastStep} of ${steps}`);
    assert.ok(stoppedInMs < 15_000, `stopped in ${stoppedInMs} ms`);
    const stored = readStoreLines(run.runDir).records;
    assert.deepEqual(stored.map((r) => r.config.n), [2], 'only the trial finished before the cancel is stored');
    assert.deepEqual(readdirSync(run.runDir).filter((f) => f.startsWith('lock')), [], 'the lock is released');
    await resumeToTheEnd(session, ws, run, gridKeys(ws));
  } finally {
    await session.shutdown();
  }
});

test('cancel during evaluation stops between eval batches, long before the evaluation would end', async () => {
  // In-context learning has no training: after loading, the trial is one long evaluation.
  const ws = workspaceWith('cancel-eval', { methods: ['icl'], n: [2], seeds: 1, evalExamples: 400, evalBatch: 2 });
  const session = await startLspSession({ workspace: ws.dir });
  try {
    const run = await start(session, ws);
    const evaluating = Date.now();
    await session.waitProgress((p) => p.phase === 'eval');
    await new Promise((r) => setTimeout(r, 300));
    const { stoppedInMs } = await cancelAndWait(session, run.runId);
    // Loose bounds for a loaded machine: the evaluation itself takes several times longer.
    assert.ok(stoppedInMs < 10_000, `stopped in ${stoppedInMs} ms`);
    const records = readStoreLines(run.runDir).records;
    assert.deepEqual(records.map((r) => r.status), [], `the evaluation did not run to its end (cancelled ${Date.now() - evaluating} ms after it began): nothing recorded`);
  } finally {
    await session.shutdown();
  }
});

test('cancel during a model download stops the transfer and keeps no partial file; a new server resumes and downloads it', async () => {
  const repo = {
    sha: 'c'.repeat(40),
    files: new Map(['config.json', 'model.safetensors', 'vocab.json', 'merges.txt'].map((f) => [f, new Uint8Array(readFileSync(join(DEMO_MODEL, f)))])),
  };
  const slowHub = new FakeHub({ throttle: 500_000 }); // the 5 MB weights take ~10 s
  slowHub.repos.set('tiny/opt-demo', repo);
  await slowHub.start();
  const hfHome = tempDir('hf');
  const ws = workspaceWith('cancel-download', { models: ['tiny/opt-demo'], methods: ['lora'], n: [2], seeds: 1, epochs: 1 });
  const hubEnv = (url: string) => ({ HF_HOME: hfHome, HF_ENDPOINT: url, HF_HUB_OFFLINE: '' });
  const session = await startLspSession({ workspace: ws.dir, env: hubEnv(slowHub.url), settings: { offline: false } });
  let run: StartRunResult;
  try {
    run = await start(session, ws);
    await session.waitProgress((p) => p.phase === 'load' && /downloading model\.safetensors: [1-9]\d* of 5 MB/.test(p.phaseDetail ?? ''));
    const { stoppedInMs } = await cancelAndWait(session, run.runId);
    assert.ok(stoppedInMs < 10_000, `stopped in ${stoppedInMs} ms`);
    const repoDir = join(hfHome, 'hub', 'models--tiny--opt-demo');
    assert.ok(!existsSync(join(repoDir, 'snapshots', repo.sha, 'model.safetensors')), 'no snapshot entry for the cut-off file');
    assert.deepEqual(readdirSync(join(repoDir, 'blobs')).filter((b) => b.endsWith('.incomplete')), [], 'no partial blob');
    assert.deepEqual(readStoreLines(run.runDir).records, []);
  } finally {
    await session.shutdown();
    await slowHub.stop();
  }
  const hub = new FakeHub();
  hub.repos.set('tiny/opt-demo', repo);
  await hub.start();
  const next = await startLspSession({ workspace: ws.dir, env: hubEnv(hub.url), settings: { offline: false } });
  try {
    await resumeToTheEnd(next, ws, run, gridKeys(ws));
  } finally {
    await next.shutdown();
    await hub.stop();
  }
});

for (const how of ['killed (kill -9)', 'shut down by a window reload'] as const) {
  test(`the server ${how} mid-run: its trainer stops, a new server lists the run as interrupted and resumes it`, async () => {
    const ws = workspaceWith('restart', { methods: ['vanilla', 'lora'], n: [2, 4], seeds: 2, epochs: 4 });
    const session = await startLspSession({ workspace: ws.dir });
    const run = await start(session, ws);
    await session.waitProgress((p) => p.finishedTrials >= 2 && p.phase === 'train' && (p.current?.step ?? 0) >= 1);
    const trainers = childPids(session.child.pid!);
    assert.equal(trainers.length, 1, 'one trainer process');
    if (how === 'killed (kill -9)') await session.kill();
    else await session.shutdown();
    await waitFor('the trainer to stop', () => !alive(trainers[0]), 15_000, 20);
    const { records, broken } = readStoreLines(run.runDir);
    assert.deepEqual(broken, []);
    assert.ok(records.length >= 2 && records.every((r) => r.status === 'finished'), `${records.length} finished records, no failure recorded`);

    const next = await startLspSession({ workspace: ws.dir });
    try {
      await resumeToTheEnd(next, ws, run, gridKeys(ws));
    } finally {
      await next.shutdown();
    }
  });
}
