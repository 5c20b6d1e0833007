// Standard evaluation readouts: what a method reads its predictions from.
import type { Readout } from './objective';

/** Input name of the token ids a verbalizer readout scores. */
export const VERBALIZER_IDS = 'verbalizer_ids';

/** OPTForSequenceClassification logits at the last non-pad token: output `logits` [B, numLabels]. */
export const classificationReadout: Readout = {
  key: 'cls-logits',
  outputs: (v) => ({ logits: v.classLogits() }),
};

/**
 * LM logits at the last non-pad token restricted to `count` token ids (fed as `verbalizer_ids`
 * [count] int64): output `logits` [B, count]. Never computes the full vocabulary.
 */
export function verbalizerReadout(count: number): Readout {
  return {
    key: `verbalizer-${count}`,
    outputs: (v) => ({ logits: v.lmLogitsAtLast(v.input(VERBALIZER_IDS, 'int64', [count])) }),
  };
}

/** Full-vocabulary LM logits at every position: output `logits` [B*T, V]. */
export const lmReadout: Readout = {
  key: 'lm-logits',
  outputs: (v) => ({ logits: v.lmLogits() }),
};
