// View 3: wall time, peak memory and trainable parameters per method, and the metric against peak
// memory with the Pareto front.
import { ChartSlot } from '../charts/chartSlot';
import { methodLabel } from '../charts/common';
import { costBarConfig, paretoConfig, type CostKind } from '../charts/cost';
import { h } from '../dom';
import { setOfRole, type RenderContext, type View } from './context';

const BARS: [CostKind, string, string][] = [
  ['wallTime', 'cost-wall-time', 'Wall time per trial by method and n'],
  ['memory', 'cost-peak-memory', 'Peak memory per trial by method and n'],
  ['params', 'cost-trainable-params', 'Trainable parameters by method'],
];

export class CostView implements View {
  readonly element = h('div', { class: 'chart-grid', 'data-view': 'cost' });
  private slots: ChartSlot[] = [];
  private pareto: ChartSlot | undefined;

  render(ctx: RenderContext): void {
    if (this.slots.length === 0) {
      this.slots = BARS.map(([, name]) => new ChartSlot(name, ctx.savePng));
      this.pareto = new ChartSlot('cost-pareto', ctx.savePng);
      this.element.append(...this.slots.map((s) => s.element), this.pareto.element);
    }
    const finished = ctx.view.trials.some((t) => t.status === 'finished');
    BARS.forEach(([kind, , aria], i) => {
      const slot = this.slots[i]!;
      if (!finished) slot.showEmpty('No trial has finished yet.');
      else slot.update(costBarConfig(ctx.view, kind, ctx.theme), aria);
    });
    const untrained = ctx.view.methods.filter((m) => ctx.view.ns.every((n) => (ctx.view.cost(m, n)?.trainableParams ?? 0) === 0));
    this.slots[2]!.setCaption(
      untrained.length > 0 ? `${untrained.map(methodLabel).join(', ')}: no trainable parameters, so no bar on the log axis.` : '',
    );
    const set = setOfRole(ctx, 'in-domain') ?? ctx.evalSets[0];
    if (!set || !finished) {
      this.pareto!.showEmpty('No trial has been scored yet.');
      return;
    }
    this.pareto!.update(paretoConfig(ctx.view, set, ctx.metric, ctx.theme), `Metric on ${set.name} against peak memory, Pareto front marked`);
  }
}
