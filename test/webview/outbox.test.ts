// The host side without VS Code: nothing reaches the webview before `ready`; a webview rebuilt
// after hiding or a reload gets the current picture replayed (with the trials that finished in
// between); and the panel page's Content Security Policy is the strict one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderResultsPanelHtml, resultsPanelCsp } from '../../extension/resultsPanelHtml';
import { WebviewOutbox } from '../../extension/webviewOutbox';
import type { HostToWebview, RunProgressMessage } from '../../protocol/webview';
import { loadFixture, summaryOf } from './fixture';

const { manifest, trials } = loadFixture();
const summary = summaryOf(manifest, trials.slice(0, 10), 'running');
const progress = (finished: number): RunProgressMessage => ({
  type: 'runProgress',
  runId: summary.runId,
  totalTrials: 108,
  finishedTrials: finished,
  failedTrials: 0,
  state: 'running',
});

test('nothing is delivered before ready; ready delivers the compacted picture in order', () => {
  const delivered: HostToWebview[] = [];
  const outbox = new WebviewOutbox((m) => delivered.push(m));
  outbox.post({ type: 'runs', runs: [summary] });
  outbox.post(progress(10));
  outbox.post({ type: 'runData', summary, trials: trials.slice(0, 10), warnings: [] });
  outbox.post(progress(11));
  outbox.post({ type: 'trialFinished', runId: summary.runId, record: trials[10]! });
  assert.equal(delivered.length, 0);

  outbox.markReady();
  assert.deepEqual(
    delivered.map((m) => m.type),
    ['runData', 'runs', 'runProgress'],
  );
  const data = delivered[0] as Extract<HostToWebview, { type: 'runData' }>;
  assert.equal(data.trials.length, 11, 'the trial that finished before ready is folded into the run data');
  assert.equal((delivered[2] as RunProgressMessage).finishedTrials, 11, 'only the latest progress is replayed');
});

test('after ready messages flow straight through; a rebuilt webview gets everything again', () => {
  const delivered: HostToWebview[] = [];
  const outbox = new WebviewOutbox((m) => delivered.push(m));
  outbox.markReady();
  assert.equal(delivered.length, 0);
  outbox.post({ type: 'runData', summary, trials: trials.slice(0, 10), warnings: [] });
  outbox.post({ type: 'trialFinished', runId: summary.runId, record: trials[10]! });
  assert.deepEqual(
    delivered.map((m) => m.type),
    ['runData', 'trialFinished'],
  );

  outbox.markGone();
  outbox.post({ type: 'trialFinished', runId: summary.runId, record: trials[11]! });
  // A retried trial replaces its earlier record instead of adding a second one.
  outbox.post({ type: 'trialFinished', runId: summary.runId, record: { ...trials[11]!, wallTimeS: 1 } });
  outbox.post({ type: 'trialFinished', runId: 'another-run', record: trials[12]! });
  assert.equal(delivered.length, 2, 'nothing is sent while the page is gone');

  outbox.markReady();
  const replay = delivered.slice(2);
  assert.deepEqual(
    replay.map((m) => m.type),
    ['runData'],
  );
  const data = replay[0] as Extract<HostToWebview, { type: 'runData' }>;
  assert.equal(data.trials.length, 12);
  assert.equal(data.trials.find((t) => t.key === trials[11]!.key)!.wallTimeS, 1);
});

test('the panel page: strict CSP with a nonce, one script carrying it, nothing inline', () => {
  const nonce = 'bm9uY2Utdmd1ZQ==';
  const csp = resultsPanelCsp('https://file+.vscode-resource.vscode-cdn.net', nonce);
  assert.equal(
    csp,
    "default-src 'none'; script-src 'nonce-bm9uY2Utdmd1ZQ=='; style-src https://file+.vscode-resource.vscode-cdn.net 'nonce-bm9uY2Utdmd1ZQ=='; " +
      "img-src https://file+.vscode-resource.vscode-cdn.net data:; font-src https://file+.vscode-resource.vscode-cdn.net",
  );
  const html = renderResultsPanelHtml({ cspSource: 'https://x', nonce, scriptUri: 'https://x/dist/webview.js' });
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0]![1]!, new RegExp(`nonce="${nonce}" src="https://x/dist/webview.js"`));
  assert.equal(scripts[0]![2], '', 'no inline script');
  assert.doesNotMatch(html, /style=|<style/, 'no inline style: the bundle adds its styles with the nonce');
  assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|https?:\/\/(?!x)/);
});

test('panel page attributes are escaped', () => {
  const html = renderResultsPanelHtml({ cspSource: 'https://x', nonce: 'n', scriptUri: 'https://x/a.js"><script>alert(1)</script>' });
  assert.doesNotMatch(html, /<script>alert/);
});
