// Vanilla fine-tuning: every weight trains, and a classification head (HF's
// OPTForSequenceClassification `score`, bias-free, on the last non-pad token) reads the class.
import type { VanillaOptions } from '../../../protocol/experiment';
import type { OptModelSpec } from '../model/optSpec';
import { decayExceptBiasAndNorm } from '../optim/paramGroups';
import { countTrainable, withFreshHead } from './common';
import { classHeadLoss, classHeadReadout, labelFeed } from './heads';
import type { MethodContext, PreparedMethod } from './method';
import { CLASS_LABELS } from '../runtime/losses';

/** `options.head` is always `linear` (HF's score layer): the only head the schema accepts. */
export function prepareVanilla(ctx: MethodContext, _options: VanillaOptions): PreparedMethod {
  const spec: OptModelSpec = { config: ctx.config, numLabels: ctx.numLabels };
  const trainable = (): boolean => true;
  return {
    spec,
    evalSpec: spec,
    objective: { key: 'vanilla', trainable, group: decayExceptBiasAndNorm(ctx.weightDecay), loss: classHeadLoss },
    readout: classHeadReadout,
    encode: ctx.encodePlain,
    trainFeeds: (rows) => ({ [CLASS_LABELS]: labelFeed(rows) }),
    evalFeeds: () => ({}),
    initialParams: (base, rng) => withFreshHead(spec, base, rng),
    evalParams: (trained) => trained,
    trainableParams: countTrainable(spec, trainable),
  };
}
