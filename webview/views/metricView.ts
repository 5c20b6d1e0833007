// View 1: one metric-against-n chart per eval set, side by side (in-domain left, OOD right).
import { METRIC_LABELS } from '../aggregate';
import { ChartSlot } from '../charts/chartSlot';
import { metricByNConfig } from '../charts/metricByN';
import { h } from '../dom';
import type { RenderContext, View } from './context';

export class MetricView implements View {
  readonly element = h('div', { class: 'chart-grid', 'data-view': 'metric' });
  private readonly slots = new Map<string, ChartSlot>();
  private readonly note = h('p', { class: 'chart-empty', hidden: true }, 'No eval set has results yet.');

  constructor() {
    this.element.appendChild(this.note);
  }

  render(ctx: RenderContext): void {
    const wanted = new Set(ctx.evalSets.map((s) => s.name));
    for (const [name, slot] of this.slots) {
      if (!wanted.has(name)) {
        slot.destroy();
        slot.element.remove();
        this.slots.delete(name);
      }
    }
    for (const set of ctx.evalSets) {
      let slot = this.slots.get(set.name);
      if (!slot) {
        slot = new ChartSlot(`metric-${safeName(set.name)}`, ctx.savePng);
        this.slots.set(set.name, slot);
      }
      // Keep the DOM order equal to the eval-set order (in-domain first).
      this.element.appendChild(slot.element);
      const config = metricByNConfig(ctx.view, set, ctx.metric, ctx.theme);
      if (config.data.datasets.every((d) => d.ftlab?.kind === 'majority')) {
        slot.showEmpty(`No finished trial has been scored on ${set.name} yet.`);
      } else {
        slot.update(config, `${METRIC_LABELS[ctx.metric]} against n on ${set.name}, one line per method`);
      }
    }
    this.note.hidden = ctx.evalSets.length > 0;
  }
}

/** Eval set names come from files: keep element ids and file names to a safe alphabet. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
}
