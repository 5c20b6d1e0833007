// The losses the bench trains, written against the engine's TrainingObjective contract:
// - full / lora: OPTForSequenceClassification's cross-entropy on the last non-pad token;
// - pbft: pattern-based fine-tuning's loss, the LM head at the last non-pad token restricted to
//   the verbalizer tokens (hidden[last] · E[ids]ᵀ), cross-entropy over those K logits.
import { crossEntropy } from '../server/core/graph/ops/crossEntropy';
import { SCORE } from '../server/core/model/optParams';
import type { Readout, TrainingObjective } from '../server/core/runtime/objective';

export const LABELS = 'labels';
export const VERBALIZER = 'verbalizer_ids';

/** Every parameter trains (vanilla fine-tuning). */
export const trainAll = (): boolean => true;

/** PEFT's LoRA for sequence classification: the adapters and the (new) score head train. */
export const trainLoraAndHead = (name: string): boolean => name.includes('.lora_') || name === SCORE;

export function classificationObjective(key: string, trainable: (name: string) => boolean): TrainingObjective {
  return {
    key: `bench-cls-${key}`,
    trainable,
    loss: (v) => crossEntropy(v.g, v.classLogits(), v.input(LABELS, 'int64', [v.batch])), // logits [B, numLabels]
  };
}

export function verbalizerObjective(k: number): TrainingObjective {
  return {
    key: `bench-pbft-${k}`,
    trainable: trainAll,
    loss: (v) => {
      const logits = v.lmLogitsAtLast(v.input(VERBALIZER, 'int64', [k])); // [B, K]
      return crossEntropy(v.g, logits, v.input(LABELS, 'int64', [v.batch]));
    },
  };
}

export const classLogitsReadout: Readout = {
  key: 'bench-cls-logits',
  outputs: (v) => ({ logits: v.classLogits() }), // [B, numLabels]
};
