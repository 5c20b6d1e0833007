// The webview protocol's boundary: every message type is accepted in its valid form, malformed
// ones are rejected with a located reason, and the dispatcher never lets a bad message or a
// throwing handler escape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerInfo } from '../../protocol/lsp';
import {
  createMessageDispatcher,
  type HostToWebview,
  type MessageHandlers,
  parseHostToWebview,
  parseWebviewToHost,
  runDataMessage,
  type WebviewToHost,
} from '../../protocol/webview';
import { loadFixture, summaryOf } from './fixture';

const { manifest, trials } = loadFixture();
const summary = summaryOf(manifest, trials);
const info: ServerInfo = {
  serverVersion: '0.1.0',
  nodeVersion: '20.19.0',
  platform: 'linux',
  arch: 'x64',
  pid: 42,
  onnxruntimeVersion: '1.30.0',
  executionProviders: [{ name: 'cpu', bundled: true, libraryPresent: true }],
  executionProviderSetting: 'auto',
};
const png = 'data:image/png;base64,iVBORw0KGgo=';

test('every webview → host message type is accepted in its valid form', () => {
  const valid: WebviewToHost[] = [
    { type: 'ready' },
    { type: 'exportData', format: 'csv', runId: 'r', content: 'a,b\n' },
    { type: 'exportData', format: 'json', runId: 'r', content: '{}' },
    { type: 'savePng', runId: 'r', chart: 'metric-cola-in-domain-dev', dataUrl: png },
    { type: 'openRun', runId: 'r' },
    { type: 'requestRuns' },
  ];
  for (const message of valid) assert.deepEqual(parseWebviewToHost(message), { ok: true, message });
});

test('malformed webview → host messages are rejected with where and why', () => {
  const cases: [unknown, RegExp][] = [
    [null, /message: expected an object, got null/],
    ['ready', /expected an object/],
    [{ type: 'deleteEverything' }, /message\.type: unknown message type/],
    [{ type: 'exportData', format: 'xlsx', runId: 'r', content: '' }, /message\.format: expected one of csv, json/],
    [{ type: 'exportData', format: 'csv', runId: 'r' }, /message\.content: expected a string/],
    // File names are built from chart names on the host: no path separators.
    [{ type: 'savePng', runId: 'r', chart: '../../etc/passwd', dataUrl: png }, /message\.chart: expected a chart name/],
    [{ type: 'savePng', runId: 'r', chart: 'x', dataUrl: 'data:text/html;base64,PHNjcmlwdD4=' }, /message\.dataUrl/],
    [{ type: 'openRun', runId: 7 }, /message\.runId: expected a string, got number/],
  ];
  for (const [raw, reason] of cases) {
    const parsed = parseWebviewToHost(raw);
    assert.equal(parsed.ok, false, JSON.stringify(raw));
    if (!parsed.ok) assert.match(parsed.error, reason);
  }
});

test('every host → webview message type is accepted with real fixture records', () => {
  const valid: HostToWebview[] = [
    { type: 'serverInfo', info },
    { type: 'runs', runs: [summary] },
    { type: 'runData', summary, trials, warnings: ['trials.jsonl:9 is not valid JSON; skipped.'] },
    { type: 'trialFinished', runId: summary.runId, record: trials[0]! },
    {
      type: 'runProgress',
      runId: summary.runId,
      totalTrials: 108,
      finishedTrials: 40,
      failedTrials: 1,
      etaS: 120,
      current: { key: trials[3]!.key, config: trials[3]!.config, epoch: 3, epochs: 20, step: 3, steps: 20 },
      state: 'running',
    },
  ];
  for (const message of valid) assert.equal(parseHostToWebview(message).ok, true, message.type);
});

test('a trial record with a wrong field deep inside is rejected, naming the path', () => {
  const bad = structuredClone(trials[5]!) as unknown as { metrics: Record<string, { accuracy: unknown }> };
  bad.metrics['cola-ood-dev']!.accuracy = 'high';
  const parsed = parseHostToWebview({ type: 'runData', summary, trials: [trials[0], bad], warnings: [] });
  assert.equal(parsed.ok, false);
  if (!parsed.ok) assert.match(parsed.error, /^message\.trials\[1\]\.metrics\["cola-ood-dev"\]\.accuracy: expected a finite number/);

  const badMethod = structuredClone(trials[0]!) as unknown as { config: { method: string } };
  badMethod.config.method = 'prefix-tuning';
  const second = parseHostToWebview({ type: 'trialFinished', runId: 'x', record: badMethod });
  assert.equal(second.ok, false);
  if (!second.ok) assert.match(second.error, /message\.record\.config\.method: expected one of vanilla, pbft/);
});

test('an epoch loss stored as null (JSON has no NaN) is accepted', () => {
  const record = { ...trials[0]!, trainLoss: [0.7, null, 0.5] };
  assert.equal(parseHostToWebview({ type: 'trialFinished', runId: 'r', record }).ok, true);
});

test('the dispatcher calls the one handler of the type, logs and drops bad input, survives a throwing handler', () => {
  const seen: string[] = [];
  const logged: string[] = [];
  const handlers: MessageHandlers<WebviewToHost> = {
    ready: () => seen.push('ready'),
    exportData: (m) => seen.push(`export:${m.format}`),
    savePng: () => {
      throw new Error('disk full');
    },
    openRun: (m) => seen.push(`open:${m.runId}`),
    requestRuns: () => seen.push('runs'),
  };
  const dispatch = createMessageDispatcher(parseWebviewToHost, handlers, (e) => logged.push(e));
  assert.equal(dispatch({ type: 'ready' }), undefined);
  assert.match(dispatch({ type: 'openRun' }) ?? '', /runId/);
  assert.match(dispatch({ type: 'savePng', runId: 'r', chart: 'c', dataUrl: png }) ?? '', /handler for 'savePng' threw: disk full/);
  dispatch({ type: 'exportData', format: 'json', runId: 'r', content: '{}' });
  dispatch({ type: 'openRun', runId: 'r2' });
  assert.deepEqual(seen, ['ready', 'export:json', 'open:r2']);
  assert.equal(logged.length, 2);
});

test('runDataMessage leaves out records the webview would reject, naming them, and the rest passes', () => {
  const bad = { ...trials[2]!, status: 'paused' };
  const message = runDataMessage(summary, [trials[0], bad, trials[1], 'not a record'], ['store note']);
  assert.deepEqual(message.trials, [trials[0], trials[1]]);
  assert.deepEqual(message.warnings, [
    'store note',
    `Trial ${trials[2]!.key} was left out: record.status: expected one of finished, failed, got "paused".`,
    'Trial (no key) was left out: record: expected an object, got "not a record".',
  ]);
  assert.equal(parseHostToWebview(message).ok, true);
});
