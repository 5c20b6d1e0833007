// The results webview in real headless Chromium, on the synthetic fixture run: what each chart and
// the table hold is checked against statistics computed in the test from trials.jsonl, and a
// screenshot of every view is saved (test-output/webview/light-*.png).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { METHOD_IDS } from '../../protocol/results';
import { openPanel, posted, readChart, screenshotPath, send , withWebviewBrowser } from './browserHarness';
import { close, expectedCell, meanOf } from './fixture';
import { assertClean, fixture, openFixtureRun, settle, showTab, summary } from './panelSetup';

const MODEL = 'facebook/opt-125m';
const IN = 'cola-in-domain-dev';
const OOD = 'cola-ood-dev';
const ofModel = fixture.trials.filter((t) => t.config.model === MODEL);

describe('results webview in Chromium', () => {
  const chrome = withWebviewBrowser();

  test('says ready before anything else, and with no runs explains how to start one', async () => {
    const panel = await openPanel(chrome.browser, chrome.bundle, { theme: 'light' });
    const page = panel.page;
    assert.deepEqual(await posted(page), [{ type: 'ready' }]);
    await send(page, { type: 'runs', runs: [] });
    const text = await page.evaluate(() => document.querySelector('[data-empty-state]')?.textContent ?? '');
    assert.match(text, /Fine-Tune Lab: Run Fine-Tune Comparison/);
    assert.match(text, /npx ftlab run examples\/demo\.ftlab\.yaml/);
    await page.click('[data-refresh]');
    assert.deepEqual((await posted(page)).at(-1), { type: 'requestRuns' });
    await settle(page);
    await page.screenshot({ path: screenshotPath('light-empty') });
    await assertClean(panel);
    await page.close();
  });

  test('metric-vs-n charts hold mean lines, ±std bands and the majority line of the fixture', async () => {
    const panel = await openFixtureRun(chrome.browser, chrome.bundle, 'light');
    for (const evalSet of [IN, OOD]) {
      const chart = (await readChart(panel.page, `metric-${evalSet}`))!;
      assert.equal(chart.type, 'line');
      for (const method of METHOD_IDS) {
        const of = (kind: string) => chart.datasets.find((d) => d.tag?.kind === kind && d.tag.method === method)!;
        const means = of('mean').data as { x: number; y: number }[];
        const upper = of('upper').data as { x: number; y: number }[];
        const lower = of('lower').data as { x: number; y: number }[];
        assert.deepEqual(means.map((p) => p.x), [2, 16, 32]);
        means.forEach((p, i) => {
          const want = expectedCell(fixture.trials, { model: MODEL, method, n: p.x, evalSet, metric: 'accuracy' });
          assert.ok(close(p.y, want.mean, 1e-12), `${evalSet} ${method} n=${p.x} mean ${p.y} vs ${want.mean}`);
          assert.ok(close(upper[i]!.y, want.mean + want.std, 1e-12) && close(lower[i]!.y, want.mean - want.std, 1e-12));
        });
      }
      const majority = chart.datasets.find((d) => d.tag?.kind === 'majority')!.data as { y: number }[];
      const rate = ofModel[0]!.metrics[evalSet]!.majority;
      assert.deepEqual(majority.map((p) => p.y), [rate, rate]);
    }
    await panel.page.screenshot({ path: screenshotPath('light-metric'), fullPage: true });
    await assertClean(panel);
    await panel.page.close();
  });

  test('in-domain vs OOD, cost, Pareto and loss charts hold the fixture numbers', async () => {
    const panel = await openFixtureRun(chrome.browser, chrome.bundle, 'light');
    const page = panel.page;
    const cellMean = (method: string, n: number, evalSet: string) =>
      expectedCell(fixture.trials, { model: MODEL, method, n, evalSet, metric: 'accuracy' }).mean;
    const finished = (method: string, n: number) => ofModel.filter((t) => t.config.method === method && t.config.n === n && t.status === 'finished');

    const scatter = (await readChart(page, 'id-vs-ood'))!;
    for (const method of METHOD_IDS) {
      const points = scatter.datasets.find((d) => d.tag?.kind === 'points' && d.tag.method === method)!.data as { x: number; y: number; n: number }[];
      assert.equal(points.length, 3);
      for (const p of points) assert.ok(close(p.x, cellMean(method, p.n, IN), 1e-12) && close(p.y, cellMean(method, p.n, OOD), 1e-12));
    }
    const identity = scatter.datasets.find((d) => d.tag?.kind === 'identity')!.data as { x: number; y: number }[];
    assert.ok(identity.every((p) => p.x === p.y));

    const wall = (await readChart(page, 'cost-wall-time'))!;
    assert.equal(wall.labels.length, 6);
    for (const [i, n] of [2, 16, 32].entries()) {
      const bars = wall.datasets[i]!;
      assert.equal(bars.label, `n = ${n}`);
      METHOD_IDS.forEach((method, m) => assert.ok(close(bars.data[m] as number, meanOf(finished(method, n).map((t) => t.wallTimeS)), 1e-12)));
    }
    const memory = (await readChart(page, 'cost-peak-memory'))!;
    METHOD_IDS.forEach((method, m) =>
      assert.ok(close(memory.datasets[2]!.data[m] as number, meanOf(finished(method, 32).map((t) => t.peakMemoryBytes)) / 2 ** 20, 1e-12)),
    );
    const params = (await readChart(page, 'cost-trainable-params'))!;
    const wantParams = METHOD_IDS.map((method) => finished(method, 16)[0]!.trainableParams);
    assert.deepEqual(params.datasets[0]!.data, wantParams.map((p) => (p === 0 ? null : p)));

    // Pareto front: recomputed here by brute force from the points the chart plots.
    const pareto = (await readChart(page, 'cost-pareto'))!;
    const all = pareto.datasets.filter((d) => d.tag?.kind === 'points').flatMap((d) => d.data as { x: number; y: number; n: number; method: string }[]);
    assert.equal(all.length, 18);
    for (const p of all) assert.ok(close(p.y, cellMean(p.method, p.n, IN), 1e-12));
    const front = pareto.datasets.find((d) => d.tag?.kind === 'front')!.data as { x: number; y: number }[];
    const undominated = all.filter((p) => !all.some((q) => q.x <= p.x && q.y >= p.y && (q.x < p.x || q.y > p.y)));
    assert.deepEqual(
      front.map((p) => [p.x, p.y]),
      undominated.sort((a, b) => a.x - b.x || a.y - b.y).map((p) => [p.x, p.y]),
    );

    const loss = (await readChart(page, 'training-loss'))!;
    const shown = loss.datasets.find((d) => d.tag?.kind === 'loss')!;
    const trial = ofModel.find((t) => t.key === shown.tag!.trialKey)!;
    assert.deepEqual((shown.data as { y: number }[]).map((p) => p.y), trial.trainLoss);
    assert.equal(loss.datasets.filter((d) => d.tag?.kind === 'lossOther').length, 2, 'the two other seeds drawn behind');

    for (const tab of ['scatter', 'cost', 'table', 'loss'] as const) {
      await showTab(page, tab);
      await page.screenshot({ path: screenshotPath(`light-${tab}`), fullPage: true });
    }
    await assertClean(panel);
    await page.close();
  });

  test('the table: mean ± std and 95% CI per cell as computed independently, best per column, failures counted', async () => {
    const panel = await openFixtureRun(chrome.browser, chrome.bundle, 'light');
    const cells = await panel.page.evaluate(() =>
      [...document.querySelectorAll<HTMLTableCellElement>('table.results td[data-method]')].map((td) => ({
        method: td.dataset.method!,
        n: td.dataset.n!,
        evalSet: td.dataset.evalSet!,
        seeds: td.dataset.seeds!,
        failed: td.dataset.failed!,
        mean: td.dataset.mean!,
        std: td.dataset.std!,
        ciLow: td.dataset.ciLow!,
        ciHigh: td.dataset.ciHigh!,
        best: td.classList.contains('best'),
        text: td.querySelector('.mean')!.textContent,
        failedTitle: td.querySelector('.failed')?.getAttribute('title') ?? null,
      })),
    );
    assert.equal(cells.length, 2 * 6 * 3);
    for (const cell of cells) {
      const want = expectedCell(fixture.trials, { model: MODEL, method: cell.method!, n: Number(cell.n), evalSet: cell.evalSet!, metric: 'accuracy' });
      const where = `${cell.evalSet} ${cell.method} n=${cell.n}`;
      assert.equal(Number(cell.seeds), want.seeds, where);
      assert.equal(Number(cell.failed), want.failed, where);
      assert.ok(close(Number(cell.mean), want.mean, 1e-12), where);
      assert.ok(close(Number(cell.std), want.std, 1e-12), where);
      assert.ok(close(Number(cell.ciLow), want.ciLow, 1e-10) && close(Number(cell.ciHigh), want.ciHigh, 1e-10), where);
      assert.ok(cell.text!.startsWith(`${want.mean.toFixed(3)} ± ${want.std.toFixed(3)}`), `${where}: ${cell.text}`);
      const column = cells.filter((c) => c.evalSet === cell.evalSet && c.n === cell.n).map((c) => Number(c.mean));
      assert.equal(cell.best, Number(cell.mean) === Math.max(...column), `${where} best mark`);
    }
    const failedCells = cells.filter((c) => Number(c.failed) > 0);
    assert.deepEqual(failedCells.map((c) => [c.method, c.n]), [['lora', '2'], ['lora', '2']]);
    assert.match(failedCells[0]!.failedTitle!, /seeds 1\/1: non-finite loss at step 12: training loss became NaN/);
    const banner = await panel.page.evaluate(() => document.querySelector('[data-failure-banner]')!.textContent);
    assert.match(banner!, /1 trial failed.*LoRA · n=2 · seeds 1\/1: non-finite loss at step 12/s);
    const listed = await panel.page.evaluate(() => document.querySelector('.failures')!.getAttribute('data-failures'));
    assert.equal(listed, '1');
    const engine = await panel.page.evaluate(() => document.querySelector('[data-engine]')!.textContent);
    assert.match(engine!, /onnxruntime1\.30\.0/);
    assert.match(engine!, /cpu, webgpu, cuda \(library missing\)/);
    await assertClean(panel);
    await panel.page.close();
  });

  test('after a reload the saved run, tab and metric come back, even when it is not the newest run', async () => {
    const newer = { ...summary, runId: 'a-newer-run', manifest: { ...summary.manifest, runId: 'a-newer-run', createdAt: '2025-12-01T00:00:00.000Z' } };
    const panel = await openPanel(chrome.browser, chrome.bundle, { theme: 'light', savedState: { runId: 'synthetic-run', tab: 3, evalSet: '*', metric: 'mcc' } });
    await send(panel.page, { type: 'runs', runs: [newer, summary] });
    assert.deepEqual((await posted(panel.page)).at(-1), { type: 'openRun', runId: 'synthetic-run' });
    await send(panel.page, { type: 'runData', summary, trials: fixture.trials, warnings: [] });
    await settle(panel.page);
    const visible = await panel.page.evaluate(() =>
      [...document.querySelectorAll('vscode-tab-panel')].map((p) => (p as HTMLElement).getBoundingClientRect().height > 0),
    );
    assert.deepEqual(visible, [false, false, false, true, false]);
    const caption = await panel.page.evaluate(() => document.querySelector('table.results caption')!.textContent);
    assert.match(caption!, /^MCC on cola-in-domain-dev/);
    await assertClean(panel);
    await panel.page.close();
  });
});
