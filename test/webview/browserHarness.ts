// Runs the results webview bundle in real headless Chromium (Debian's, driven by playwright-core)
// inside a page that plays VS Code's webview host: the panel's own HTML and CSP
// (extension/resultsPanelHtml.ts), an acquireVsCodeApi that records what the webview posts, the
// theme's --vscode-* variables on <html> and its class on <body>, and messages delivered as
// window 'message' events. Pages are served from a fake origin through request interception, so
// nothing touches the network.
import * as esbuild from 'esbuild';
import { after, before } from 'node:test';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNonce, renderResultsPanelHtml } from '../../extension/resultsPanelHtml';
import { THEMES, type ThemeName } from '../../server/core/report/themeVariables';

export const REPO = join(__dirname, '..', '..');
export const OUTPUT_DIR = join(REPO, 'test-output', 'webview');
const ORIGIN = 'https://webview.ftlab.test';

// playwright-core lives in test/e2e/node_modules (installed by test/e2e/install.sh). Only the few
// members used here are typed, so the type check does not depend on that install.
export interface Page {
  goto(url: string): Promise<unknown>;
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  waitForFunction<A>(fn: (arg: A) => unknown, arg?: A, options?: { timeout?: number }): Promise<unknown>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  click(selector: string): Promise<void>;
  route(url: string, handler: (route: Route) => unknown): Promise<void>;
  on(event: 'console', handler: (message: { type(): string; text(): string }) => void): void;
  on(event: 'pageerror', handler: (error: Error) => void): void;
  on(event: 'request', handler: (request: { url(): string }) => void): void;
  addInitScript(script: { content: string }): Promise<void>;
  emulateMedia(options: { colorScheme: 'light' | 'dark' }): Promise<void>;
  waitForEvent(event: 'download'): Promise<Download>;
  close(): Promise<void>;
}
export interface Download {
  suggestedFilename(): string;
  path(): Promise<string>;
}
interface Route {
  request(): { url(): string };
  fulfill(response: { status?: number; contentType?: string; body: string }): Promise<void>;
  abort(): Promise<void>;
}
export interface Browser {
  newPage(options?: { viewport?: { width: number; height: number }; deviceScaleFactor?: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  const playwright = createRequire(join(REPO, 'test', 'e2e', 'package.json'))('playwright-core') as {
    chromium: { launch(options: { executablePath: string; args: string[] }): Promise<Browser> };
  };
  return playwright.chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Builds webview/main.ts the way scripts/build.mjs does (IIFE, browser, CSS as text). */
export async function buildWebviewBundle(): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), 'ftlab-webview-'));
  await esbuild.build({
    entryPoints: { webview: join(REPO, 'webview', 'main.ts') },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    outdir,
    loader: { '.css': 'text' },
    logLevel: 'warning',
  });
  return join(outdir, 'webview.js');
}

/** Runs in the page before the bundle, as VS Code's own webview script does. */
function hostEmulation(theme: ThemeName, savedState: unknown): string {
  const variables = JSON.stringify(THEMES[theme].variables);
  return `(() => {
  window.__posted = [];
  window.__cspViolations = [];
  window.__state = ${JSON.stringify(savedState ?? null)};
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
  for (const [name, value] of Object.entries(${variables})) document.documentElement.style.setProperty(name, value);
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may be called only once');
    acquired = true;
    return {
      postMessage: (message) => window.__posted.push(structuredClone(message)),
      getState: () => window.__state ?? undefined,
      setState: (state) => { window.__state = structuredClone(state); },
    };
  };
})();`;
}

export interface PanelOptions {
  theme: ThemeName;
  savedState?: unknown;
  width?: number;
  height?: number;
}

export interface PanelPage {
  page: Page;
  consoleWarnings: string[];
  pageErrors: string[];
}

/** Opens the panel page as VS Code would show it, and waits until the webview has said `ready`. */
export async function openPanel(browser: Browser, bundlePath: string, options: PanelOptions): Promise<PanelPage> {
  const page = await browser.newPage({ viewport: { width: options.width ?? 1360, height: options.height ?? 900 }, deviceScaleFactor: 1 });
  const consoleWarnings: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warning' || m.type() === 'error') consoleWarnings.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const nonce = createNonce();
  const html = renderResultsPanelHtml({ cspSource: ORIGIN, nonce, scriptUri: `${ORIGIN}/dist/webview.js` })
    .replace('<head>', `<head>\n<script nonce="${nonce}">${hostEmulation(options.theme, options.savedState)}</script>`)
    .replace('<body>', `<body class="${THEMES[options.theme].bodyClass}">`);
  const bundle = readFileSync(bundlePath, 'utf8');
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url === `${ORIGIN}/index.html`) return route.fulfill({ contentType: 'text/html', body: html });
    if (url === `${ORIGIN}/dist/webview.js`) return route.fulfill({ contentType: 'text/javascript', body: bundle });
    return route.abort();
  });
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  return { page, consoleWarnings, pageErrors };
}

/** Delivers a host → webview message the way VS Code does: a window 'message' event. */
export async function send(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
  // Message events are tasks: let this one (and the render it causes) run.
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
}

export async function posted(page: Page): Promise<{ type: string; [key: string]: unknown }[]> {
  return page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);
}

export function screenshotPath(name: string): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return join(OUTPUT_DIR, `${name}.png`);
}

/** The datasets a chart holds, read from its Chart.js instance. */
export interface ChartSnapshot {
  type: string;
  labels: unknown[];
  datasets: {
    label: string;
    tag: { kind: string; method?: string; n?: number; evalSet?: string; trialKey?: string } | undefined;
    data: unknown[];
    borderColor: unknown;
    backgroundColor: unknown;
  }[];
}

export async function readChart(page: Page, name: string): Promise<ChartSnapshot | undefined> {
  return page.evaluate((chartName) => {
    const canvas = document.querySelector(`canvas[data-chart="${chartName}"]`);
    const lookup = (window as unknown as { ftlabChartOf: (c: Element) => unknown }).ftlabChartOf;
    const chart = canvas ? (lookup(canvas) as { config: { type: string }; data: { labels?: unknown[]; datasets: Record<string, unknown>[] } } | undefined) : undefined;
    if (!chart) return undefined;
    return {
      type: chart.config.type,
      labels: chart.data.labels ?? [],
      datasets: chart.data.datasets.map((d) => ({
        label: d.label as string,
        tag: d.ftlab as ChartSnapshot['datasets'][number]['tag'],
        data: JSON.parse(JSON.stringify(d.data)) as unknown[],
        borderColor: d.borderColor,
        backgroundColor: d.backgroundColor,
      })),
    };
  }, name);
}

/**
 * Registers, in the calling `describe`, one webview bundle build and one Chromium shared by its
 * tests (closed afterwards). The fields are set once `before` has run.
 */
export function withWebviewBrowser(): { browser: Browser; bundle: string } {
  const shared = {} as { browser: Browser; bundle: string };
  before(async () => {
    shared.bundle = await buildWebviewBundle();
    shared.browser = await launchChromium();
  });
  after(async () => shared.browser?.close());
  return shared;
}
