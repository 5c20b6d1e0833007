// View 5: per-trial training-loss curves; the trial is picked from a dropdown.
import { trialLabel } from '../aggregate';
import { ChartSlot } from '../charts/chartSlot';
import { methodLabel } from '../charts/common';
import { lossCurveConfig } from '../charts/lossCurves';
import { h } from '../dom';
import type { RenderContext, View } from './context';
import { SelectControl } from './select';

export class LossView implements View {
  readonly element = h('div', { class: 'chart-single', 'data-view': 'loss' });
  private select: SelectControl | undefined;
  private slot: ChartSlot | undefined;
  private readonly note = h('p', { class: 'caption', 'data-loss-note': '' });

  render(ctx: RenderContext): void {
    if (!this.select || !this.slot) {
      this.select = new SelectControl('Trial', 'filter-loss-trial', (key) => ctx.selectLossTrial(key));
      this.slot = new ChartSlot('training-loss', ctx.savePng, 'wide');
      this.element.append(h('div', { class: 'toolbar' }, this.select.element), this.slot.element, this.note);
    }
    const trials = ctx.view.trials;
    const selected = trials.find((t) => t.key === ctx.lossTrial) ?? trials.find((t) => t.trainLoss.length > 0) ?? trials[0];
    this.select.set(
      trials.map((t) => ({ value: t.key, label: `${trialLabel(t, methodLabel)}${t.status === 'failed' ? ' (failed)' : ''}` })),
      selected?.key ?? '',
    );
    this.note.textContent = 'Dashed: the other seeds of the same method and n.';
    if (!selected) {
      this.slot.showEmpty('No trial has finished yet.');
      return;
    }
    if (selected.status === 'failed' && selected.error) {
      const step = selected.error.step !== undefined ? ` at step ${selected.error.step}` : '';
      const why = `This trial failed${step}: ${selected.error.message}. The curve shows the epochs completed before it stopped.`;
      this.note.textContent = `${why} ${this.note.textContent}`;
    }
    if (selected.trainLoss.length === 0) {
      this.slot.showEmpty(
        selected.config.method === 'icl'
          ? 'In-context learning does not train, so this trial has no training loss.'
          : 'This trial recorded no training loss.',
      );
      return;
    }
    const siblings = trials.filter(
      (t) => t.config.method === selected.config.method && t.config.n === selected.config.n,
    );
    this.slot.update(lossCurveConfig(selected, siblings, ctx.theme), `Training loss per epoch of ${trialLabel(selected, methodLabel)}`);
  }
}
