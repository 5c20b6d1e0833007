// What the results panel shows, read from inside its webview (the content frame VS Code nests in
// two iframes): the progress section, the table's cells and the Chart.js instances' data, through
// the data-* attributes the webview renders and the `window.ftlabChartOf(canvas)` lookup it exposes.
import type { FrameLocator } from 'playwright-core';

export interface PanelProgress {
  /** data-state of the progress section (running, finished, cancelled, interrupted, failed). */
  state: string;
  text: string;
}

/** The progress section, or undefined while it is hidden (no run shown or no progress known). */
export async function readProgress(panel: FrameLocator): Promise<PanelProgress | undefined> {
  const section = panel.locator('[data-progress]');
  if ((await section.count()) === 0 || !(await section.isVisible())) return undefined;
  return { state: (await section.getAttribute('data-state')) ?? '', text: (await section.innerText()).trim() };
}

export interface TableCell {
  method: string;
  n: number;
  seeds: number;
  mean?: number;
}

/** The method × n cells of one eval set's table (present in the DOM whichever tab is selected). */
export async function readTable(panel: FrameLocator, evalSet: string): Promise<TableCell[]> {
  const cells = panel.locator(`table.results[data-eval-set="${evalSet}"] td[data-method]`);
  return cells.evaluateAll((tds) =>
    tds.map((td) => {
      const d = (td as HTMLElement).dataset;
      return {
        method: d.method ?? '',
        n: Number(d.n),
        seeds: Number(d.seeds),
        mean: d.mean === undefined ? undefined : Number(d.mean),
      };
    }),
  );
}

export interface ChartLine {
  method: string;
  points: { x: number; y: number; count?: number }[];
}

/** The mean lines of the metric-against-n chart of one eval set, from its Chart.js instance. */
export async function readMetricChart(panel: FrameLocator, canvasName: string): Promise<ChartLine[]> {
  const canvas = panel.locator(`canvas[data-chart="${canvasName}"]`);
  if ((await canvas.count()) === 0) return [];
  return canvas.evaluate((element) => {
    type Dataset = { ftlab?: { kind: string; method: string }; data: { x: number; y: number; count?: number }[] };
    const lookup = (window as unknown as { ftlabChartOf: (c: Element) => { data: { datasets: Dataset[] } } | undefined }).ftlabChartOf;
    const chart = lookup(element);
    if (!chart) return [];
    return chart.data.datasets
      .filter((d) => d.ftlab?.kind === 'mean')
      .map((d) => ({ method: d.ftlab!.method, points: d.data.map((p) => ({ x: p.x, y: p.y, count: p.count })) }));
  });
}

/** The run picker's label for the run shown (it carries the run's state, e.g. "…, interrupted)"). */
export async function readSelectedRun(panel: FrameLocator): Promise<string> {
  return panel.locator('#filter-run').evaluate((select) => {
    const s = select as HTMLElement & { value: string };
    const option = [...s.querySelectorAll('vscode-option')].find((o) => o.getAttribute('value') === s.value);
    return `${s.value} | ${option?.textContent?.trim() ?? ''}`;
  });
}

/** Marks the webview's window; the mark surviving proves that updates came without a page reload. */
export async function markWindow(panel: FrameLocator, mark: string): Promise<void> {
  await panel.locator('body').evaluate((_, m) => {
    (window as unknown as { ftlabE2eMark?: string }).ftlabE2eMark = m;
  }, mark);
}

export async function readWindowMark(panel: FrameLocator): Promise<string | undefined> {
  return panel.locator('body').evaluate(() => (window as unknown as { ftlabE2eMark?: string }).ftlabE2eMark);
}
