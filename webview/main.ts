// Entry of the results webview bundle (dist/webview.js, an IIFE for the browser). Runs inside VS
// Code's webview, or inside the self-contained HTML report where a shim stands in for
// acquireVsCodeApi. Order matters: listen first, then say `ready`: the host sends nothing before.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import { App } from './app';
import { Chart, registerCharts } from './charts/setup';
import { HostConnection } from './host';
import styles from './styles.css';

/** Styles go in a <style> element carrying the page's nonce: the CSP allows no other inline style. */
function injectStyles(css: string): void {
  const script = document.currentScript as HTMLScriptElement | null;
  const style = document.createElement('style');
  if (script?.nonce) style.nonce = script.nonce;
  style.textContent = css;
  document.head.appendChild(style);
}

injectStyles(styles);
registerCharts();
// Read-only lookup of the Chart.js instance drawn on a canvas, for tests and debugging; it exposes
// nothing the page does not already hold.
Object.defineProperty(window, 'ftlabChartOf', { value: (canvas: HTMLCanvasElement) => Chart.getChart(canvas) });

const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
const host = new HostConnection();
const app = new App(root, host);
window.addEventListener('message', (event: MessageEvent) => app.receive(event.data));
host.post({ type: 'ready' });
