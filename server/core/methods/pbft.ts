// Pattern-based fine-tuning: the input goes through the task's pattern, every weight trains, and
// the class scores are the LM head's logits of the verbalizer tokens at the last non-pad token.
// Only the K verbalizer rows of the LM head are computed (the full-vocabulary option, llmft's,
// computes all V rows at that one position).
import type { PbftOptions } from '../../../protocol/experiment';
import type { OptModelSpec } from '../model/optSpec';
import { decayExceptBiasAndNorm } from '../optim/paramGroups';
import { countTrainable } from './common';
import { verbalizerIdsFeed, verbalizerLoss, verbalizerReadout, verbalizerTrainFeeds, VERBALIZER_IDS } from './heads';
import type { MethodContext, PreparedMethod } from './method';

export function preparePbft(ctx: MethodContext, options: PbftOptions): PreparedMethod {
  const spec: OptModelSpec = { config: ctx.config };
  const trainable = (): boolean => true;
  return {
    spec,
    evalSpec: spec,
    objective: {
      key: `pbft-${options.loss}-${ctx.numLabels}`,
      trainable,
      group: decayExceptBiasAndNorm(ctx.weightDecay),
      loss: (view) => verbalizerLoss(view, ctx.numLabels, options.loss),
    },
    readout: verbalizerReadout(ctx.numLabels),
    encode: ctx.encodePattern,
    trainFeeds: (rows) => verbalizerTrainFeeds(rows, ctx.verbalizerIds, options.loss),
    evalFeeds: () => ({ [VERBALIZER_IDS]: verbalizerIdsFeed(ctx.verbalizerIds) }),
    initialParams: (base) => base,
    evalParams: (trained) => trained,
    trainableParams: countTrainable(spec, trainable),
  };
}
