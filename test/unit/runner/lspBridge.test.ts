// The run requests over a real JSON-RPC connection (in-process streams), as the extension sends
// them: start a run from a file URI, follow its notifications, list and resume runs, and get the
// experiment's diagnostics back in the error of a refused start.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { writeFileSync } from 'node:fs';
import { createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { createConnection } from 'vscode-languageserver/node';
import {
  listRunsRequest,
  readRunRequest,
  resumeRunRequest,
  runFinishedNotification,
  runProgressNotification,
  startRunRequest,
  trialFinishedNotification,
  type RunFinished,
  type RunProgress,
  type ServerSettings,
} from '../../../protocol/lsp';
import { registerRunRequests } from '../../../server/runner/lspBridge';
import { makeWorkspace, scriptedRunner, withTimeout } from './lib/fixtures';

function connect(settings: ServerSettings, folders: string[], stepMs: number) {
  const up = new PassThrough();
  const down = new PassThrough();
  const server = createConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
  const bridge = registerRunRequests(server, {
    settings: () => settings,
    workspaceFolders: async () => folders,
    runner: scriptedRunner({ epochs: 1, stepsPerEpoch: 3, stepMs }),
    progressIntervalMs: 10_000,
  });
  server.listen();
  const client = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  client.listen();
  const finished: RunFinished[] = [];
  const progress: RunProgress[] = [];
  let trials = 0;
  let onFinished: (() => void) | undefined;
  client.onNotification(runProgressNotification, (p) => progress.push(p));
  client.onNotification(trialFinishedNotification, () => trials++);
  client.onNotification(runFinishedNotification, (f) => {
    finished.push(f);
    onFinished?.();
  });
  const nextFinish = () => new Promise<void>((resolve) => (onFinished = resolve));
  return { client, bridge, finished, progress, trials: () => trials, nextFinish, close: () => (client.dispose(), server.dispose()) };
}

const settings: ServerSettings = { executionProvider: 'cpu', threads: 0, hfCacheDir: '', offline: true, resultsDir: '.ftlab/runs' };

test('startRun trains in the background and the client gets progress, trial and run notifications', async () => {
  const ws = makeWorkspace({ n: [2], seeds: 2 });
  const c = connect(settings, [ws.dir], 5);
  const done = c.nextFinish();
  const started = await c.client.sendRequest(startRunRequest, { experimentUri: pathToFileURL(ws.experimentPath).toString() });
  assert.equal(started.totalTrials, 4);
  assert.ok(started.runDir.startsWith(`${ws.dir}/.ftlab/runs/`), 'results go under the workspace folder');
  await withTimeout(done, 30_000, 'runFinished');
  assert.deepEqual(c.finished, [{ runId: started.runId, state: 'finished', finishedTrials: 4, failedTrials: 0, totalTrials: 4 }]);
  assert.equal(c.trials(), 4);
  // Throttled: a notification per trial change and count change, not one per step (12 steps).
  assert.ok(c.progress.length >= 4 && c.progress.length < 12, `${c.progress.length} progress notifications`);
  assert.ok(c.progress.every((p) => p.runId === started.runId));

  const { runs } = await c.client.sendRequest(listRunsRequest, { workspaceFolderUri: pathToFileURL(ws.dir).toString() });
  assert.deepEqual(runs.map((r) => [r.runId, r.state, r.finishedTrials]), [[started.runId, 'finished', 4]]);

  // The results panel reads the whole run: every record, merged, with its summary.
  const data = await c.client.sendRequest(readRunRequest, { runDir: started.runDir });
  assert.equal(data.summary.state, 'finished');
  assert.equal(data.trials.length, 4);
  assert.deepEqual(data.warnings, []);
  await assert.rejects(c.client.sendRequest(readRunRequest, { runDir: ws.dir }), /run\.json/);
  c.close();
});

test('a cancelled run is listed as interrupted and resumes by id', async () => {
  const ws = makeWorkspace({ n: [2], seeds: 2 });
  const c = connect(settings, [ws.dir], 60);
  let cancelOnce = true;
  c.bridge.runner.on('trialFinished', (f) => {
    if (cancelOnce) c.bridge.runner.cancelRun(f.runId);
    cancelOnce = false;
  });
  let done = c.nextFinish();
  const started = await c.client.sendRequest(startRunRequest, { experimentUri: pathToFileURL(ws.experimentPath).toString() });
  await withTimeout(done, 30_000, 'the cancelled run');
  assert.equal(c.finished[0].state, 'cancelled');
  const { runs } = await c.client.sendRequest(listRunsRequest, { workspaceFolderUri: pathToFileURL(ws.dir).toString() });
  assert.deepEqual(runs.map((r) => [r.state, r.finishedTrials]), [['interrupted', 1]]);

  done = c.nextFinish();
  const resumed = await c.client.sendRequest(resumeRunRequest, { runId: started.runId });
  assert.equal(resumed.runDir, started.runDir);
  assert.equal(resumed.totalTrials, 4);
  await withTimeout(done, 30_000, 'the resumed run');
  assert.deepEqual(c.finished[1], { runId: started.runId, state: 'finished', finishedTrials: 4, failedTrials: 0, totalTrials: 4 });
  c.close();
});

test('an experiment with errors is refused with its diagnostics in the error', async () => {
  const ws = makeWorkspace();
  writeFileSync(ws.experimentPath, 'name: x\nmodels: [./model]\ntasks: [cola]\nmethods: [vanilla]\nn: [0]\nseeds: 1\n');
  const c = connect(settings, [ws.dir], 5);
  await assert.rejects(c.client.sendRequest(startRunRequest, { experimentUri: pathToFileURL(ws.experimentPath).toString() }), (error: unknown) => {
    assert.ok(error instanceof ResponseError);
    const data = error.data as { diagnostics: { range: { start: { line: number } } }[] };
    assert.equal(data.diagnostics[0].range.start.line, 4);
    return true;
  });
  c.close();
});
