// The results webview reacting in Chromium: filters, exports (checked by parsing what is posted to
// the host), malformed messages (logged, ignored, the panel keeps working), and a live run
// (finished trials update the charts in place; progress shows a bar and an ETA).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TrialRecord } from '../../protocol/results';
import { parseWebviewToHost } from '../../protocol/webview';
import { type Page, posted, readChart, screenshotPath, send , withWebviewBrowser } from './browserHarness';
import { close, expectedCell } from './fixture';
import { assertClean, choose, fixture, openFixtureRun, settle, showTab } from './panelSetup';

const IN = 'cola-in-domain-dev';

async function meanAt(page: Page, evalSet: string, method: string, n: number): Promise<number | undefined> {
  const chart = await readChart(page, `metric-${evalSet}`);
  const mean = chart?.datasets.find((d) => d.tag?.kind === 'mean' && d.tag.method === method);
  return (mean?.data as { x: number; y: number }[] | undefined)?.find((p) => p.x === n)?.y;
}

async function canvases(page: Page): Promise<string[]> {
  return page.evaluate(() => [...document.querySelectorAll('canvas[data-chart]')].map((c) => c.getAttribute('data-chart')!));
}

describe('results webview interaction in Chromium', () => {
  const chrome = withWebviewBrowser();

  test('model, metric and eval-set filters change what the charts and table hold', async () => {
    const panel = await openFixtureRun(chrome.browser, chrome.bundle, 'light');
    const page = panel.page;
    const want = (model: string, metric: 'accuracy' | 'mcc' | 'macroF1') =>
      expectedCell(fixture.trials, { model, method: 'pbft', n: 16, evalSet: IN, metric }).mean;
    assert.ok(close((await meanAt(page, IN, 'pbft', 16))!, want('facebook/opt-125m', 'accuracy'), 1e-12));

    await choose(page, 'filter-model', 'facebook/opt-350m');
    assert.ok(close((await meanAt(page, IN, 'pbft', 16))!, want('facebook/opt-350m', 'accuracy'), 1e-12));
    assert.equal(await page.evaluate(() => document.querySelector('[data-failure-banner]')!.hasAttribute('hidden')), false, 'run-wide failures stay listed');

    await choose(page, 'filter-metric', 'mcc');
    assert.ok(close((await meanAt(page, IN, 'pbft', 16))!, want('facebook/opt-350m', 'mcc'), 1e-12));
    const majority = (await readChart(page, `metric-${IN}`))!.datasets.find((d) => d.tag?.kind === 'majority')!;
    assert.deepEqual((majority.data as { y: number }[]).map((p) => p.y), [0, 0], 'a constant predictor has MCC 0');

    await choose(page, 'filter-metric', 'macroF1');
    assert.ok(close((await meanAt(page, IN, 'pbft', 16))!, want('facebook/opt-350m', 'macroF1'), 1e-12));
    assert.equal((await readChart(page, `metric-${IN}`))!.datasets.some((d) => d.tag?.kind === 'majority'), false);

    await choose(page, 'filter-eval-set', 'cola-ood-dev');
    assert.deepEqual((await canvases(page)).filter((c) => c.startsWith('metric-')), ['metric-cola-ood-dev']);
    const tables = await page.evaluate(() => [...document.querySelectorAll('table.results')].map((t) => t.getAttribute('data-eval-set')));
    assert.deepEqual(tables, ['cola-ood-dev']);
    await assertClean(panel);
    await page.close();
  });

  test("a legend click hides a method's mean line and its band together", async () => {
    const panel = await openFixtureRun(chrome.browser, chrome.bundle, 'light');
    const visibility = await panel.page.evaluate(() => {
      type LegendItem = { datasetIndex: number; text: string };
      const lookup = (window as unknown as { ftlabChartOf: (c: Element) => unknown }).ftlabChartOf;
      const chart = lookup(document.querySelector('canvas[data-chart="metric-cola-in-domain-dev"]')!) as {
        legend: { legendItems: LegendItem[] };
        options: { plugins: { legend: { onClick: (this: unknown, e: unknown, item: LegendItem, legend: unknown) => void } } };
        data: { datasets: { ftlab?: { kind: string; method?: string } }[] };
        isDatasetVisible(i: number): boolean;
      };
      const item = chart.legend.legendItems.find((i) => i.text === 'LoRA')!;
      chart.options.plugins.legend.onClick.call(chart.legend, null, item, chart.legend);
      return chart.data.datasets.map((d, i) => [d.ftlab?.kind, d.ftlab?.method ?? '', chart.isDatasetVisible(i)]);
    });
    const hidden = visibility.filter(([, , visible]) => !visible).map(([kind, method]) => `${method}:${kind}`);
    assert.deepEqual(hidden, ['lora:lower', 'lora:upper', 'lora:mean']);
    await assertClean(panel);
    await panel.page.close();
  });

  test('export buttons post the table as CSV and JSON, and each chart as a PNG', async () => {
    const panel = await openFixtureRun(chrome.browser, chrome.bundle, 'light');
    const page = panel.page;
    await showTab(page, 'table');
    await page.click('[data-export="csv"]');
    await page.click('[data-export="json"]');
    await showTab(page, 'metric');
    await page.click(`[data-save-chart="metric-${IN}"]`);
    const messages = (await posted(page)).slice(-3);
    for (const m of messages) assert.equal(parseWebviewToHost(m).ok, true, `${m.type} passes the host's validator`);

    const [csv, json, png] = messages as [
      { type: string; format: string; runId: string; content: string },
      { type: string; format: string; content: string },
      { type: string; chart: string; dataUrl: string },
    ];
    assert.deepEqual([csv.type, csv.format, csv.runId], ['exportData', 'csv', 'synthetic-run']);
    const [header, ...lines] = csv.content.trimEnd().split('\n');
    const columns = header!.split(',');
    const rows = lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i]!, v])));
    assert.equal(rows.length, 2 * 6 * 3 * 3);
    for (const row of rows) {
      const want = expectedCell(fixture.trials, { model: row.model!, method: row.method!, n: Number(row.n), evalSet: row.evalSet!, metric: row.metric as 'mcc' });
      assert.ok(close(Number(row.mean), want.mean, 1e-15) && close(Number(row.std), want.std, 1e-15), JSON.stringify(row));
      assert.equal(Number(row.failedTrials), want.failed);
    }
    assert.deepEqual([json.type, json.format], ['exportData', 'json']);
    const parsed = JSON.parse(json.content) as { rows: Record<string, unknown>[] };
    assert.equal(parsed.rows.length, rows.length);
    assert.equal(parsed.rows[0]!.mean, Number(rows[0]!.mean));

    assert.equal(png.chart, `metric-${IN}`);
    const bytes = Buffer.from(png.dataUrl.slice('data:image/png;base64,'.length), 'base64');
    assert.deepEqual([...bytes.subarray(1, 4)], [...Buffer.from('PNG')]);
    assert.ok(bytes.readUInt32BE(16) > 300, 'IHDR width: the chart as drawn');
    await assertClean(panel);
    await page.close();
  });

  test('malformed messages are logged and ignored, and the panel keeps working', async () => {
    const panel = await openFixtureRun(chrome.browser, chrome.bundle, 'light');
    const page = panel.page;
    const before = await readChart(page, `metric-${IN}`);
    const good = fixture.trials[0]!;
    const malformed: unknown[] = [
      null,
      'runData',
      { type: 'runData', summary: 5, trials: [], warnings: [] },
      { type: 'trialFinished', runId: 'synthetic-run', record: { ...good, config: { ...good.config, n: 'sixteen' } } },
      { type: 'runProgress', runId: 'synthetic-run', state: 'running' },
      { type: 'runs', runs: [{ runId: 1 }] },
      { type: 'deleteAllRuns' },
      { type: 'trialFinished', runId: 'synthetic-run', record: { ...good, metrics: { [IN]: { ...good.metrics[IN], accuracy: 'NaN' } } } },
    ];
    for (const message of malformed) await send(page, message);
    await settle(page);
    const ignored = panel.consoleWarnings.filter((w) => w.startsWith('[ftlab] ignored a message from the host'));
    assert.equal(ignored.length, malformed.length, ignored.join('\n'));
    assert.match(ignored[3]!, /message\.record\.config\.n: expected an integer/);
    assert.deepEqual(await readChart(page, `metric-${IN}`), before, 'nothing changed');

    // Still alive: a valid message after the bad ones is handled.
    await send(page, { type: 'trialFinished', runId: 'synthetic-run', record: extraSeed(0.99) });
    assert.notDeepEqual(await readChart(page, `metric-${IN}`), before);
    await assertClean(panel);
    await page.close();
  });

  test('the loss view shows a failed trial up to where it stopped, and why; ICL explains its missing curve', async () => {
    const panel = await openFixtureRun(chrome.browser, chrome.bundle, 'light');
    const page = panel.page;
    await showTab(page, 'loss');
    const failed = fixture.trials.find((t) => t.status === 'failed')!;
    await choose(page, 'filter-loss-trial', failed.key);
    const loss = (await readChart(page, 'training-loss'))!;
    const shown = loss.datasets.find((d) => d.tag?.kind === 'loss')!;
    assert.equal(shown.tag!.trialKey, failed.key);
    assert.deepEqual((shown.data as { y: number }[]).map((p) => p.y), failed.trainLoss);
    assert.equal(failed.trainLoss.length, 11);
    const note = await page.evaluate(() => document.querySelector('[data-loss-note]')!.textContent);
    assert.match(note!, /This trial failed at step 12: training loss became NaN/);
    await page.screenshot({ path: screenshotPath('light-loss-failed'), fullPage: true });

    const icl = fixture.trials.find((t) => t.config.method === 'icl')!;
    await choose(page, 'filter-loss-trial', icl.key);
    const empty = await page.evaluate(() => {
      const slot = document.querySelector('[data-chart-slot="training-loss"]')!;
      return { frameHidden: slot.querySelector('.chart-canvas')!.hasAttribute('hidden'), text: slot.querySelector('.chart-empty')!.textContent };
    });
    assert.deepEqual(empty, { frameHidden: true, text: 'In-context learning does not train, so this trial has no training loss.' });
    assert.equal(await readChart(page, 'training-loss'), undefined, 'the chart was destroyed, not left stale');
    await assertClean(panel);
    await page.close();
  });

  test('a live run: finished trials update charts and table in place; progress shows bar, counts and ETA', async () => {
    const panel = await openFixtureRun(chrome.browser, chrome.bundle, 'light');
    const page = panel.page;
    // Tag the Chart.js instance: an in-place update keeps it, a reload or re-creation would not.
    await page.evaluate(() => {
      const lookup = (window as unknown as { ftlabChartOf: (c: Element) => Record<string, unknown> }).ftlabChartOf;
      lookup(document.querySelector('canvas[data-chart="metric-cola-in-domain-dev"]')!).__testMark = 'kept';
    });
    const record = extraSeed(0.8);
    await send(page, { type: 'trialFinished', runId: 'synthetic-run', record });
    const values = [...fixture.trials, record]
      .filter((t) => t.config.model === 'facebook/opt-125m' && t.config.method === 'vanilla' && t.config.n === 16)
      .map((t) => t.metrics[IN]!.accuracy);
    assert.equal(values.length, 4);
    assert.ok(close((await meanAt(page, IN, 'vanilla', 16))!, values.reduce((a, b) => a + b) / 4, 1e-12));
    const mark = await page.evaluate(() => {
      const lookup = (window as unknown as { ftlabChartOf: (c: Element) => Record<string, unknown> }).ftlabChartOf;
      return lookup(document.querySelector('canvas[data-chart="metric-cola-in-domain-dev"]')!).__testMark;
    });
    assert.equal(mark, 'kept');
    const seeds = await page.evaluate(() => document.querySelector('td[data-method="vanilla"][data-n="16"][data-eval-set="cola-in-domain-dev"]')!.getAttribute('data-seeds'));
    assert.equal(seeds, '4');
    await send(page, { type: 'trialFinished', runId: 'another-run', record: extraSeed(0.1, 4) });
    assert.ok(close((await meanAt(page, IN, 'vanilla', 16))!, values.reduce((a, b) => a + b) / 4, 1e-12), 'other runs do not leak in');

    const current = fixture.trials.find((t) => t.config.method === 'lora' && t.config.n === 16)!;
    await send(page, {
      type: 'runProgress',
      runId: 'synthetic-run',
      totalTrials: 108,
      finishedTrials: 50,
      failedTrials: 2,
      etaS: 600,
      current: { key: current.key, config: current.config, epoch: 3, epochs: 20, step: 6, steps: 40 },
      state: 'running',
    });
    await settle(page);
    const progress = await page.evaluate(() => {
      const section = document.querySelector('[data-progress]')!;
      const bar = section.querySelector('vscode-progress-bar') as HTMLElement & { value: number; max: number };
      return { hidden: section.hasAttribute('hidden'), text: section.textContent, value: bar.value, max: bar.max };
    });
    assert.equal(progress.hidden, false);
    assert.match(progress.text!, /Running · 52 \/ 108 trials done · 2 failed · about 10 min left · now: LoRA, n = 16, seeds 0\/0, epoch 3\/20/);
    assert.deepEqual([progress.value, progress.max], [52, 108]);
    await page.screenshot({ path: screenshotPath('light-live') });

    await send(page, { type: 'runProgress', runId: 'synthetic-run', totalTrials: 108, finishedTrials: 106, failedTrials: 2, state: 'finished' });
    const done = await page.evaluate(() => document.querySelector('[data-progress]')!.textContent);
    assert.match(done!, /^Finished · 108 \/ 108 trials done · 2 failed$/);
    await assertClean(panel);
    await page.close();
  });
});

/** A fourth seed of Vanilla FT, n = 16 on opt-125m, with the given in-domain accuracy. */
function extraSeed(accuracy: number, seed = 3): TrialRecord {
  const base = fixture.trials.find((t) => t.key === 'facebook/opt-125m|cola|vanilla|n=16|data=0|model=0')!;
  return {
    ...base,
    key: `facebook/opt-125m|cola|vanilla|n=16|data=${seed}|model=${seed}`,
    config: { ...base.config, dataSeed: seed, modelSeed: seed },
    metrics: { ...base.metrics, [IN]: { ...base.metrics[IN]!, accuracy } },
  };
}
