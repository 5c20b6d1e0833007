// The results webview treats what it shows as untrusted: run data whose names, paths, errors and
// warnings are HTML and script payloads (a results folder can come from anywhere) is shown as text
// in real headless Chromium — nothing injected runs, nothing is fetched from another origin, the
// CSP reports no violation — and messages of any shape, from either side, are rejected by the
// validators without throwing (fast-check). test/webview checks the CSP text and hand-picked
// malformed messages; this file adds the hostile content and the generated messages.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import fc from 'fast-check';
import { parseHostToWebview, parseWebviewToHost } from '../../protocol/webview';
import type { TrialRecord } from '../../protocol/results';
import { type Browser, buildWebviewBundle, launchChromium, openPanel, send } from '../webview/browserHarness';
import { fixture, settle, showTab, summary } from '../webview/panelSetup';
import { testSeed } from './lib/rng';
import { removeAtExit } from './lib/tempDirs';

const PAYLOADS = [
  '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">',
  '<script>window.__pwned=(window.__pwned||0)+1</script>',
  '"><svg onload="window.__pwned=(window.__pwned||0)+1">',
  '<a href="javascript:window.__pwned=1">x</a>',
  '<img src="https://evil.example/beacon.png">',
  '<link rel="stylesheet" href="https://evil.example/x.css">',
  '{{constructor.constructor("window.__pwned=1")()}}',
];

function hostile(records: readonly TrialRecord[]): TrialRecord[] {
  return records.map((r, i) => {
    const payload = PAYLOADS[i % PAYLOADS.length];
    const hostileRecord: TrialRecord = { ...r, key: `${r.key}${payload}`, config: { ...r.config, model: `${r.config.model}${i % 3 === 0 ? payload : ''}` } };
    if (r.status === 'failed') hostileRecord.error = { kind: 'error', message: `boom ${payload}`, step: 1 };
    return hostileRecord;
  });
}

describe('the results webview with hostile run data, in Chromium', () => {
  let browser: Browser;
  let bundle: string;
  before(async () => {
    bundle = await buildWebviewBundle();
    removeAtExit(dirname(bundle));
    browser = await launchChromium();
  });
  after(async () => browser?.close());

  test('payloads in names, paths, errors and warnings show as text; nothing runs or loads', async () => {
    const panel = await openPanel(browser, bundle, { theme: 'dark' });
    const requests: string[] = [];
    panel.page.on('request', (r) => requests.push(r.url()));
    const trials = hostile(fixture.trials);
    const manifest = { ...summary.manifest, experimentPath: `/work/${PAYLOADS[0]}/exp.ftlab.yaml` };
    const evil = { ...summary, manifest, runDir: `/runs/${PAYLOADS[1]}` };
    await send(panel.page, { type: 'runs', runs: [evil] });
    await send(panel.page, { type: 'runData', summary: evil, trials, warnings: [`trials.jsonl: line 3 ${PAYLOADS[2]}`] });
    for (const tab of ['metric', 'scatter', 'cost', 'table', 'loss'] as const) await showTab(panel.page, tab);
    await send(panel.page, { type: 'runProgress', runId: evil.runId, state: 'failed', finishedTrials: 1, failedTrials: 1, totalTrials: 2, error: PAYLOADS[3] });
    await settle(panel.page);

    const seen = await panel.page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned,
      violations: (window as unknown as { __cspViolations: string[] }).__cspViolations,
      injected: document.querySelectorAll('img[src="x"], script:not([nonce]), svg[onload], a[href^="javascript:"], link[href^="https://evil"]').length,
      text: document.body.innerText,
    }));
    assert.equal(seen.pwned, undefined, 'no injected script ran');
    assert.equal(seen.injected, 0, 'no element was made from the payloads');
    assert.deepEqual(seen.violations, [], 'nothing was even attempted against the CSP');
    assert.ok(seen.text.includes('boom <img src=x onerror='), 'a failure message is shown, as text');
    assert.deepEqual(requests.filter((u) => !u.startsWith('https://webview.ftlab.test/') && !u.startsWith('data:')), [], 'no request left the webview origin');
    assert.deepEqual(panel.pageErrors, []);
    await panel.page.close();
  });
});

test('fast-check: messages of any shape never throw in either validator, and what passes has a known type', () => {
  const seed = testSeed(6);
  const hostTypes = new Set(['serverInfo', 'runs', 'runData', 'runProgress', 'trialFinished']);
  const message = fc.oneof(
    fc.anything({ maxDepth: 4, withNullPrototype: true, withBigInt: true, withMap: true, withSet: true, withDate: true, withTypedArray: true, withSparseArray: true }),
    fc.record({ type: fc.constantFrom('ready', 'openRun', 'requestRuns', 'exportData', 'savePng', 'runs', 'runData', 'runProgress', 'trialFinished', 'serverInfo', '__proto__', 'constructor'), runId: fc.anything({ maxDepth: 2 }), runs: fc.anything({ maxDepth: 3 }), trials: fc.anything({ maxDepth: 3 }), dataUrl: fc.string(), format: fc.string(), content: fc.anything({ maxDepth: 2 }) }, { requiredKeys: ['type'] }),
  );
  let accepted = 0;
  fc.assert(
    fc.property(message, (raw) => {
      for (const parse of [parseWebviewToHost, parseHostToWebview]) {
        const result = parse(raw);
        if (result.ok) {
          accepted++;
          assert.equal(typeof (result.message as { type: unknown }).type, 'string');
          if (parse === parseHostToWebview) assert.ok(hostTypes.has((result.message as { type: string }).type));
        } else assert.equal(typeof result.error, 'string');
      }
    }),
    { numRuns: 2000, seed },
  );
  assert.ok(accepted < 2000 * 2, 'most random messages are rejected');
});
