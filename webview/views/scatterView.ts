// View 2: in-domain against OOD, one point per method × n, with y = x.
import { METRIC_LABELS } from '../aggregate';
import { ChartSlot } from '../charts/chartSlot';
import { idVsOodConfig } from '../charts/idVsOod';
import { h } from '../dom';
import { setOfRole, type RenderContext, type View } from './context';

export class ScatterView implements View {
  readonly element = h('div', { class: 'chart-single', 'data-view': 'scatter' });
  private slot: ChartSlot | undefined;

  render(ctx: RenderContext): void {
    if (!this.slot) {
      this.slot = new ChartSlot('id-vs-ood', ctx.savePng, 'square');
      this.element.append(
        this.slot.element,
        h(
          'p',
          { class: 'caption' },
          'Each point is one method at one n (mean over seeds); larger markers mean more training data. ' +
            'Points below the dashed y = x line score lower out of domain than in domain.',
        ),
      );
    }
    const inDomain = setOfRole(ctx, 'in-domain');
    const ood = setOfRole(ctx, 'ood');
    if (!inDomain || !ood) {
      this.slot.showEmpty('This view needs both an in-domain and an out-of-domain eval set; the run has only one kind.');
      return;
    }
    const config = idVsOodConfig(ctx.view, inDomain, ood, ctx.metric, ctx.theme);
    if (!config.data.datasets.some((d) => d.ftlab?.kind === 'points')) {
      this.slot.showEmpty('No method × n has been scored on both eval sets yet.');
      return;
    }
    this.slot.update(config, `In-domain against out-of-domain ${METRIC_LABELS[ctx.metric]}, one point per method and n`);
  }
}
