// Theme switching in Chromium: VS Code changes the --vscode-* variables on <html> and the class on
// <body>; the charts must re-read their colours (they paint on a canvas, which cannot follow CSS
// variables by itself). Screenshots of every view in dark and high-contrast themes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { THEMES, type ThemeName } from '../../server/core/report/themeVariables';
import { type Page, readChart, screenshotPath , withWebviewBrowser } from './browserHarness';
import { assertClean, openFixtureRun, settle, showTab } from './panelSetup';

/** What VS Code does on a theme change. */
async function switchTheme(page: Page, theme: ThemeName): Promise<void> {
  await page.evaluate(
    ({ variables, bodyClass }) => {
      for (const [name, value] of Object.entries(variables)) document.documentElement.style.setProperty(name, value);
      document.body.className = bodyClass;
    },
    { variables: THEMES[theme].variables, bodyClass: THEMES[theme].bodyClass },
  );
  await settle(page);
}

async function colours(page: Page) {
  const chart = (await readChart(page, 'metric-cola-in-domain-dev'))!;
  const background = await page.evaluate(() => {
    const lookup = (window as unknown as { ftlabChartOf: (c: Element) => { options: { plugins: { ftlabBackground: { color: string } } } } }).ftlabChartOf;
    return lookup(document.querySelector('canvas[data-chart="metric-cola-in-domain-dev"]')!).options.plugins.ftlabBackground.color;
  });
  const lora = chart.datasets.find((d) => d.tag?.kind === 'mean' && d.tag.method === 'lora')!.borderColor;
  const bars = (await readChart(page, 'cost-wall-time'))!.datasets[0]!.borderColor;
  // A pixel of the chart's own background, read back from the canvas.
  const pixel = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('canvas[data-chart="metric-cola-in-domain-dev"]')!;
    return [...canvas.getContext('2d')!.getImageData(2, 2, 1, 1).data].slice(0, 3);
  });
  return { lora, background, bars, pixel };
}

describe('results webview themes in Chromium', () => {
  const chrome = withWebviewBrowser();

  test('switching light → dark → high contrast re-colours the charts in place', async () => {
    const panel = await openFixtureRun(chrome.browser, chrome.bundle, 'light');
    const page = panel.page;
    const light = await colours(page);
    assert.deepEqual([light.lora, light.background, light.pixel], ['#e51400', '#ffffff', [255, 255, 255]]);

    await switchTheme(page, 'dark');
    const dark = await colours(page);
    assert.deepEqual([dark.lora, dark.background, dark.pixel], ['#f14c4c', '#1f1f1f', [0x1f, 0x1f, 0x1f]]);
    assert.equal(dark.bars, THEMES.dark.variables['--vscode-charts-blue']);

    await switchTheme(page, 'high-contrast');
    const hc = await colours(page);
    assert.deepEqual([hc.lora, hc.background, hc.pixel], ['#f48771', '#000000', [0, 0, 0]]);
    // High contrast outlines bars in the foreground colour and thickens lines.
    assert.equal(hc.bars, '#ffffff');
    const width = (await page.evaluate(() => {
      const lookup = (window as unknown as { ftlabChartOf: (c: Element) => { data: { datasets: { borderWidth?: number; ftlab?: { kind: string } }[] } } }).ftlabChartOf;
      return lookup(document.querySelector('canvas[data-chart="metric-cola-in-domain-dev"]')!).data.datasets.find((d) => d.ftlab?.kind === 'mean')!.borderWidth;
    }))!;
    assert.equal(width, 3);
    await assertClean(panel);
    await page.close();
  });

  for (const theme of ['dark', 'high-contrast'] as const) {
    test(`every view renders in the ${theme} theme (screenshots)`, async () => {
      const panel = await openFixtureRun(chrome.browser, chrome.bundle, theme);
      const page = panel.page;
      const { lora } = await colours(page);
      assert.equal(lora, THEMES[theme].variables['--vscode-charts-red']);
      const text = await page.evaluate(() => getComputedStyle(document.body).color);
      assert.equal(text, theme === 'dark' ? 'rgb(204, 204, 204)' : 'rgb(255, 255, 255)');
      const name = theme === 'dark' ? 'dark' : 'hc';
      await page.screenshot({ path: screenshotPath(`${name}-metric`), fullPage: true });
      for (const tab of ['scatter', 'cost', 'table', 'loss'] as const) {
        await showTab(page, tab);
        await page.screenshot({ path: screenshotPath(`${name}-${tab}`), fullPage: true });
      }
      await assertClean(panel);
      await page.close();
    });
  }
});
