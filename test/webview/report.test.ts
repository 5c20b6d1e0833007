// The store reader behind reports (shards merged by key, torn lines skipped and reported) and the
// self-contained HTML report, opened from disk in Chromium: same bundle, same charts, a strict
// CSP, nothing remote, exports as downloads, light or dark from the browser's preference.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { writeHtmlReport } from '../../server/core/report/html';
import { readRunStore } from '../../server/core/report/readRun';
import { type Browser, buildWebviewBundle, launchChromium, OUTPUT_DIR, readChart, screenshotPath } from './browserHarness';
import { close, expectedCell, FIXTURE_DIR, loadFixture, RUN_DIR } from './fixture';

describe('results store reader', () => {
  test('merges shard files by key, keeps the finished record of a resubmitted trial, reports the torn line', () => {
    const run = readRunStore(join(FIXTURE_DIR, 'synthetic-sharded'));
    assert.equal(run.manifest.runId, 'synthetic-sharded');
    assert.equal(run.trials.length, 8);
    assert.equal(new Set(run.trials.map((t) => t.key)).size, 8);
    assert.ok(run.trials.every((t) => t.status === 'finished'), 'the crashed first attempt gave way to the resubmission');
    assert.deepEqual(run.trials.map((t) => t.shard).sort(), ['1/2', '1/2', '1/2', '1/2', '2/2', '2/2', '2/2', '2/2']);
    assert.equal(run.warnings.length, 1);
    assert.equal(run.warnings[0], 'trials.2of2.jsonl: line 5 is incomplete (a write cut off by a crash or a full disk); skipped.');
  });

  test('the unsharded fixture reads back record for record', () => {
    const run = readRunStore(RUN_DIR);
    assert.deepEqual(run.trials, loadFixture().trials);
    assert.deepEqual(run.warnings, []);
  });

  test('a missing or malformed manifest and malformed records give located messages', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftlab-store-'));
    assert.throws(() => readRunStore(dir), /Cannot read the run manifest .*run\.json/);
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ runId: 'x', totalTrials: 3 }));
    assert.throws(() => readRunStore(dir), /run\.json is not a run manifest the results panel can show: run\.json\.createdAt: expected a string/);
    const { manifest, trials } = loadFixture();
    writeFileSync(join(dir, 'run.json'), JSON.stringify(manifest));
    // The store's reader takes this record (it checks key, status, config); the panel would not.
    const broken = { ...trials[1]!, config: { ...trials[1]!.config, n: -0.5 } };
    writeFileSync(join(dir, 'trials.jsonl'), [trials[0], broken, trials[2]].map((t) => JSON.stringify(t)).join('\n') + '\n');
    const run = readRunStore(dir);
    assert.equal(run.trials.length, 2);
    assert.deepEqual(run.warnings, [`Trial ${broken.key} was left out: record.config.n: expected an integer, got number.`]);
  });
});

describe('self-contained HTML report in Chromium', () => {
  let browser: Browser;
  let bundle: string;
  let reportFile: string;
  before(async () => {
    bundle = await buildWebviewBundle();
    browser = await launchChromium();
    mkdirSync(OUTPUT_DIR, { recursive: true });
    reportFile = join(OUTPUT_DIR, 'report.html');
  });
  after(async () => browser?.close());

  test('writes one file with the bundle, the data and a CSP, and nothing loaded from elsewhere', () => {
    const result = writeHtmlReport(RUN_DIR, reportFile, { bundlePath: bundle });
    assert.deepEqual(result, { outFile: reportFile, trials: 108, warnings: [] });
    const html = readFileSync(reportFile, 'utf8');
    const nonce = /script-src 'nonce-([^']+)'/.exec(html)?.[1];
    assert.ok(nonce);
    assert.match(html, new RegExp(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce!.replace(/[+/]/g, '\\$&')}'`));
    const markup = html.replace(/<script([^>]*)>[\s\S]*?<\/script>/g, '<script$1></script>');
    assert.doesNotMatch(markup, /\ssrc=|\shref=|@import|url\(/, 'no external resources in the page itself');
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
    assert.deepEqual(scripts.map((a) => a.includes(`nonce="${nonce}"`) || a.includes('type="application/json"')), [true, true, true]);
    assert.ok(html.includes(readFileSync(bundle, 'utf8').slice(0, 2000)), 'the bundle is inlined as built');
    assert.doesNotMatch(html, /\/work\/|\/home\//, 'no absolute path of this machine');

    const sharded = writeHtmlReport(join(FIXTURE_DIR, 'synthetic-sharded'), join(OUTPUT_DIR, 'report-sharded.html'), { bundlePath: bundle });
    assert.equal(sharded.trials, 8);
    assert.equal(sharded.warnings.length, 1, 'the torn line is reported, and shown in the report');
  });

  test('opened from disk, it shows the same charts and table, exports downloads, and follows dark mode', async () => {
    writeHtmlReport(RUN_DIR, reportFile, { bundlePath: bundle });
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, deviceScaleFactor: 1 });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.addInitScript({
      content: `window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective));`,
    });
    await page.goto(pathToFileURL(reportFile).href);
    await page.waitForFunction(() => document.querySelector('table.results td[data-mean]') !== null);

    const chart = (await readChart(page, 'metric-cola-in-domain-dev'))!;
    const lora = chart.datasets.find((d) => d.tag?.kind === 'mean' && d.tag.method === 'lora')!.data as { x: number; y: number }[];
    const want = expectedCell(loadFixture().trials, { model: 'facebook/opt-125m', method: 'lora', n: 2, evalSet: 'cola-in-domain-dev', metric: 'accuracy' });
    assert.ok(close(lora[0]!.y, want.mean, 1e-12));
    const status = await page.evaluate(() => document.querySelector('[data-progress]')!.textContent);
    assert.match(status!, /^Finished · 108 \/ 108 trials done · 1 failed$/);
    await page.screenshot({ path: screenshotPath('report-light'), fullPage: true });

    await page.click('vscode-tab-header[data-tab="table"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-export="csv"]')]);
    assert.equal(download.suggestedFilename(), 'synthetic-run-results.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    assert.equal(csv.trimEnd().split('\n').length, 1 + 108);

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.body.classList.contains('vscode-dark'));
    await page.click('vscode-tab-header[data-tab="metric"]');
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))));
    const background = await page.evaluate(() => {
      const lookup = (window as unknown as { ftlabChartOf: (c: Element) => { options: { plugins: { ftlabBackground: { color: string } } } } }).ftlabChartOf;
      return lookup(document.querySelector('canvas[data-chart="metric-cola-in-domain-dev"]')!).options.plugins.ftlabBackground.color;
    });
    assert.equal(background, '#1f1f1f');
    await page.screenshot({ path: screenshotPath('report-dark'), fullPage: true });
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), []);
    assert.deepEqual(errors, []);
    assert.deepEqual(
      requests.filter((url) => !url.startsWith('data:') && !url.startsWith('blob:')),
      [pathToFileURL(reportFile).href],
      'the page loads nothing but itself',
    );
    await page.close();
  });
});
