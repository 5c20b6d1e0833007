// Adaptive fine-tuning: the bottom k decoder layers (and, optionally, the embeddings) are frozen,
// and the rest train with layer-wise learning-rate decay: layer i of L at lr · decay^(L−1−i), so
// the top layer keeps the base rate. Trainable embeddings sit below layer 0 and get decay^L; the
// final layer norm, project_out and the head get the base rate. The rates are constants of the
// compiled update graph (test/unit/methods checks each group's effective step).
import type * as ort from 'onnxruntime-node';
import type { AdaptiveOptions } from '../../../protocol/experiment';
import type { OptModelSpec } from '../model/optSpec';
import { decayExceptBiasAndNorm } from '../optim/paramGroups';
import { layerwiseLrScale } from '../optim/schedule';
import { CLASS_LABELS } from '../runtime/losses';
import { countTrainable, isEmbedding, layerIndex, withFreshHead } from './common';
import { classHeadLoss, classHeadReadout, labelFeed, verbalizerIdsFeed, verbalizerLoss, verbalizerReadout, verbalizerTrainFeeds, VERBALIZER_IDS } from './heads';
import type { MethodContext, PreparedMethod } from './method';

/** The learning-rate multiplier of a parameter under layer-wise decay. */
export function adaptiveLrScale(name: string, numLayers: number, decay: number): number {
  const layer = layerIndex(name);
  if (layer !== undefined) return layerwiseLrScale(layer, numLayers, decay);
  if (isEmbedding(name)) return decay ** numLayers;
  return 1;
}

export function prepareAdaptive(ctx: MethodContext, options: AdaptiveOptions): PreparedMethod {
  const L = ctx.config.numLayers;
  if (options.frozenLayers > L) throw new Error(`adaptive: frozenLayers ${options.frozenLayers} exceeds the model's ${L} layers`);
  const cls = options.head === 'cls';
  const spec: OptModelSpec = cls ? { config: ctx.config, numLabels: ctx.numLabels } : { config: ctx.config };
  const trainable = (name: string): boolean => {
    const layer = layerIndex(name);
    if (layer !== undefined && layer < options.frozenLayers) return false;
    if (options.freezeEmbeddings && isEmbedding(name)) return false;
    return true;
  };
  const key = `adaptive-${options.head}-${ctx.numLabels}-${options.frozenLayers}-${options.freezeEmbeddings}-${options.lrDecay}`;
  return {
    spec,
    evalSpec: spec,
    objective: {
      key,
      trainable,
      group: decayExceptBiasAndNorm(ctx.weightDecay, (name) => adaptiveLrScale(name, L, options.lrDecay)),
      loss: cls ? classHeadLoss : (view) => verbalizerLoss(view, ctx.numLabels, 'verbalizers'),
    },
    readout: cls ? classHeadReadout : verbalizerReadout(ctx.numLabels),
    encode: cls ? ctx.encodePlain : ctx.encodePattern,
    trainFeeds: cls ? (rows) => ({ [CLASS_LABELS]: labelFeed(rows) }) : (rows) => verbalizerTrainFeeds(rows, ctx.verbalizerIds, 'verbalizers'),
    evalFeeds: (): Record<string, ort.Tensor> => (cls ? {} : { [VERBALIZER_IDS]: verbalizerIdsFeed(ctx.verbalizerIds) }),
    initialParams: (base, rng) => withFreshHead(spec, base, rng),
    evalParams: (trained) => trained,
    trainableParams: countTrainable(spec, trainable),
  };
}
