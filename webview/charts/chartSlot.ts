// One chart on the page: its canvas, a "Save PNG" button and an empty-state line. The Chart.js
// instance is created once and then updated in place, so live updates and theme changes never
// reload the page or lose the user's legend toggles by recreating the element.
import type { ChartConfiguration, ChartType } from 'chart.js';
import { h } from '../dom';
import { Chart } from './setup';

export class ChartSlot {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  /** Wraps the canvas: Chart.js sets the canvas's own display style, so hiding happens here. */
  private readonly frame: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly note = h('figcaption', { class: 'caption', hidden: true });
  private chart: Chart | undefined;

  constructor(
    readonly name: string,
    onSavePng: (chart: string, dataUrl: string) => void,
    extraClass = '',
  ) {
    this.canvas = h('canvas', { id: `chart-${name}`, 'data-chart': name, role: 'img' });
    this.empty = h('p', { class: 'chart-empty', hidden: true });
    const save = h(
      'vscode-button',
      {
        secondary: true,
        class: 'save-png',
        title: 'Save this chart as a PNG image',
        'data-save-chart': name,
        onclick: () => {
          if (this.chart) onSavePng(this.name, this.canvas.toDataURL('image/png'));
        },
      },
      'Save PNG',
    );
    this.frame = h('div', { class: 'chart-canvas' }, this.canvas);
    this.element = h(
      'figure',
      { class: `chart ${extraClass}`.trim(), 'data-chart-slot': name },
      h('div', { class: 'chart-toolbar' }, save),
      this.frame,
      this.empty,
      this.note,
    );
  }

  update<T extends ChartType, D>(config: ChartConfiguration<T, D>, ariaLabel: string): void {
    this.empty.hidden = true;
    this.frame.hidden = false;
    this.canvas.setAttribute('aria-label', ariaLabel);
    const loose = config as unknown as ChartConfiguration & { type: ChartType };
    if (this.chart && (this.chart.config as { type?: ChartType }).type !== loose.type) this.destroy();
    if (!this.chart) {
      this.chart = new Chart(this.canvas, loose);
      return;
    }
    this.chart.data = loose.data;
    this.chart.options = loose.options ?? {};
    this.chart.update('none');
  }

  /** A line under the chart; empty text removes it. */
  setCaption(text: string): void {
    this.note.textContent = text;
    this.note.hidden = text === '';
  }

  /** Nothing to draw: say why instead of showing empty axes. */
  showEmpty(message: string): void {
    this.destroy();
    this.frame.hidden = true;
    this.empty.hidden = false;
    this.empty.textContent = message;
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }
}
