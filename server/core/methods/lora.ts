// LoRA: the base weights stay frozen; each target linear gains A [r, in] (Kaiming-uniform) and
// B [out, r] (zero), delta W = B·A·alpha/r, as PEFT does. With a classification head the head
// trains too (PEFT's modules_to_save for sequence classification); with the LM head, verbalizer
// scoring. For evaluation the adapters are merged into the weights.
import type * as ort from 'onnxruntime-node';
import type { LoraOptions as LoraMethodOptions } from '../../../protocol/experiment';
import { initLora, loraA, loraB, loraTargets, mergeLora, type LoraOptions } from '../model/lora';
import type { OptModelSpec } from '../model/optSpec';
import { SCORE } from '../model/optParams';
import { uniformGroups } from '../optim/paramGroups';
import { CLASS_LABELS } from '../runtime/losses';
import { countTrainable, withFreshHead } from './common';
import { classHeadLoss, classHeadReadout, labelFeed, verbalizerIdsFeed, verbalizerLoss, verbalizerReadout, verbalizerTrainFeeds, VERBALIZER_IDS } from './heads';
import type { MethodContext, PreparedMethod } from './method';

export function prepareLora(ctx: MethodContext, options: LoraMethodOptions): PreparedMethod {
  const lora: LoraOptions = { r: options.r, alpha: options.alpha, dropout: options.dropout, targetModules: options.targetModules };
  const cls = options.head === 'cls';
  const head = cls ? { numLabels: ctx.numLabels } : {};
  const spec: OptModelSpec = { config: ctx.config, lora, ...head };
  const evalSpec: OptModelSpec = { config: ctx.config, ...head };
  const adapters = new Set(loraTargets(ctx.config, lora).flatMap((t) => [loraA(t.module), loraB(t.module)]));
  const trainable = (name: string): boolean => adapters.has(name) || (cls && name === SCORE);
  return {
    spec,
    evalSpec,
    objective: {
      key: `lora-${options.head}-${ctx.numLabels}`,
      trainable,
      // PEFT trains adapters with the optimizer's weight decay on every trainable tensor.
      group: uniformGroups(ctx.weightDecay),
      loss: cls ? classHeadLoss : (view) => verbalizerLoss(view, ctx.numLabels, 'verbalizers'),
    },
    readout: cls ? classHeadReadout : verbalizerReadout(ctx.numLabels),
    encode: cls ? ctx.encodePlain : ctx.encodePattern,
    trainFeeds: cls ? (rows) => ({ [CLASS_LABELS]: labelFeed(rows) }) : (rows) => verbalizerTrainFeeds(rows, ctx.verbalizerIds, 'verbalizers'),
    evalFeeds: (): Record<string, ort.Tensor> => (cls ? {} : { [VERBALIZER_IDS]: verbalizerIdsFeed(ctx.verbalizerIds) }),
    initialParams: (base, rng) => {
      const values = withFreshHead(spec, base, rng);
      for (const [name, v] of initLora(ctx.config, lora, rng)) values.set(name, v);
      return values;
    },
    evalParams: (trained) => mergeLora(ctx.config, lora, trained),
    trainableParams: countTrainable(spec, trainable),
  };
}
