// `ftlab report --html <run>`: one self-contained HTML file with the results panel's own bundle
// (dist/webview.js, the same charts and table as in VS Code), the run's data embedded as JSON, and
// a small shim that stands in for VS Code's acquireVsCodeApi: it answers the panel's messages from
// the embedded data and turns exports into browser downloads. Nothing is loaded from anywhere.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { RunProgressMessage } from '../../../protocol/webview';
import { type LoadedRun, readRunStore, summarizeRun } from './readRun';
import { themeCss } from './themeVariables';

export interface HtmlReportOptions {
  /** The built webview bundle; by default dist/webview.js next to the running CLI, or in the repo. */
  bundlePath?: string;
}

export interface HtmlReportResult {
  outFile: string;
  /** Trial records in the report. */
  trials: number;
  /** Store problems (also shown in the report). */
  warnings: string[];
}

function findBundle(explicit: string | undefined): string {
  const candidates = explicit
    ? [explicit]
    : [join(__dirname, 'webview.js'), join(__dirname, '..', '..', '..', 'dist', 'webview.js')];
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(`the results webview bundle was not found (looked at ${candidates.join(', ')}); run \`npm run build\` first`);
  }
  return found;
}

/** Text that must not end the <script> element it is embedded in. */
function scriptSafe(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** Runs before the bundle: plays the VS Code host for the panel, from the embedded data. */
const HOST_SHIM = `(() => {
  const data = JSON.parse(document.getElementById('ftlab-report-data').textContent);
  const send = (message) => window.postMessage(message, '*');
  const safe = (text) => String(text).replace(/[^A-Za-z0-9._-]/g, '_');
  const download = (name, href) => {
    const a = document.createElement('a');
    a.href = href;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  };
  const sendRun = () => {
    send({ type: 'runData', summary: data.summary, trials: data.trials, warnings: data.warnings });
    send(data.progress);
  };
  let state;
  window.acquireVsCodeApi = () => ({
    getState: () => state,
    setState: (next) => { state = next; },
    postMessage: (message) => {
      switch (message && message.type) {
        case 'ready': sendRun(); send({ type: 'runs', runs: [data.summary] }); break;
        case 'requestRuns': send({ type: 'runs', runs: [data.summary] }); break;
        case 'openRun': if (message.runId === data.summary.runId) sendRun(); break;
        case 'exportData': {
          const type = message.format === 'csv' ? 'text/csv' : 'application/json';
          const url = URL.createObjectURL(new Blob([message.content], { type }));
          download(safe(message.runId) + '-results.' + message.format, url);
          setTimeout(() => URL.revokeObjectURL(url), 60000);
          break;
        }
        case 'savePng': download(safe(message.runId) + '-' + safe(message.chart) + '.png', message.dataUrl); break;
      }
    },
  });
  // Follow the browser's light or dark preference, as VS Code's body class would.
  const dark = window.matchMedia('(prefers-color-scheme: dark)');
  const applyTheme = () => {
    document.body.classList.remove('vscode-light', 'vscode-dark');
    document.body.classList.add(dark.matches ? 'vscode-dark' : 'vscode-light');
  };
  applyTheme();
  dark.addEventListener('change', applyTheme);
})();`;

export function renderHtmlReport(run: LoadedRun, runDir: string, bundle: string): string {
  const nonce = randomBytes(18).toString('base64');
  const summary = summarizeRun(run, runDir);
  const progress: RunProgressMessage = {
    type: 'runProgress',
    runId: summary.runId,
    totalTrials: run.manifest.totalTrials,
    finishedTrials: summary.finishedTrials,
    failedTrials: summary.failedTrials,
    state: summary.state,
  };
  // JSON inside <script type="application/json">: only "<" could end the element early.
  const data = JSON.stringify({ summary, trials: run.trials, warnings: run.warnings, progress }).replace(/</g, '\\u003c');
  const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src 'nonce-${nonce}'`, `img-src data:`].join('; ');
  const title = `Fine-Tune Lab report: ${run.manifest.runId}`.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Fine-Tune Lab ${run.manifest.versions.ftlab}">
<title>${title}</title>
<style nonce="${nonce}">
${themeCss(['light', 'dark'])}
</style>
</head>
<body class="vscode-light">
<div id="app"></div>
<script type="application/json" id="ftlab-report-data">${data}</script>
<script nonce="${nonce}">${HOST_SHIM}</script>
<script nonce="${nonce}">${scriptSafe(bundle)}</script>
</body>
</html>
`;
}

/** Writes the report of the run stored in `runDir` to `outFile`. */
export function writeHtmlReport(runDir: string, outFile: string, options: HtmlReportOptions = {}): HtmlReportResult {
  const dir = resolve(runDir);
  const run = readRunStore(dir);
  const bundle = readFileSync(findBundle(options.bundlePath), 'utf8');
  mkdirSync(dirname(resolve(outFile)), { recursive: true });
  // Only the folder's name goes in: the report is for sharing, and the absolute path says nothing
  // useful on another machine.
  writeFileSync(outFile, renderHtmlReport(run, basename(dir), bundle));
  return { outFile, trials: run.trials.length, warnings: run.warnings };
}
