// The one interface every fine-tuning method implements. A method wraps the base model, never
// forks it: it says which model spec to build (LoRA adapters, a classification head), which
// parameters train and at what rate, how an example becomes text and a loss, how a prediction is
// read out, and which parameters evaluation uses (LoRA merges its adapters first).
import type * as ort from 'onnxruntime-node';
import type { Example } from '../data/example';
import type { OptConfig } from '../model/config';
import type { OptModelSpec } from '../model/optSpec';
import type { ParamValues } from '../model/optParams';
import type { Rng } from '../model/random';
import type { Readout, TrainingObjective } from '../runtime/objective';
import type { EncodedText } from './encode';

/** Per-row graph inputs of a batch, built from the examples in it (undefined rows are padding). */
export type RowFeeds = (rows: readonly (TrainingRow | undefined)[]) => Record<string, ort.Tensor>;

/** One training example as the method sees it: its tokens and its label (and method extras). */
export interface TrainingRow {
  tokens: number[];
  label: number;
  /** Context distillation: the teacher's tempered distribution over the verbalizers, and its log. */
  teacherProbs?: Float32Array;
  teacherLogProbs?: Float32Array;
}

export interface PreparedMethod {
  /** The graph's model: base config plus adapters and head. */
  spec: OptModelSpec;
  objective: TrainingObjective;
  /** Forward-only graph whose output `scores` [B, numLabels] gives each class's score. */
  readout: Readout;
  /** The spec evaluation runs with (LoRA: the merged model, without adapters). */
  evalSpec: OptModelSpec;
  /** Turns an example into the token ids the model reads (pattern or plain fields). */
  encode(example: Example): EncodedText;
  /** Graph inputs of a training batch besides the decoder's (labels, verbalizer ids, teacher probs). */
  trainFeeds: RowFeeds;
  /** Graph inputs of an evaluation batch besides the decoder's. */
  evalFeeds(batch: number): Record<string, ort.Tensor>;
  /** Starting values of every parameter of `spec`: the base weights plus fresh head/adapters. */
  initialParams(base: ParamValues, rng: Rng): ParamValues;
  /** Parameters for evaluation from the trained ones. */
  evalParams(trained: ParamValues): ParamValues;
  /** Number of parameters the optimizer updates. */
  trainableParams: number;
}

/** Everything a method needs to set itself up for one trial. */
export interface MethodContext {
  config: OptConfig;
  numLabels: number;
  /** Verbalizer token ids in label order (methods that score through the LM head). */
  verbalizerIds: number[];
  /** Renders an example with the task's pattern and tokenizes it (BOS included). */
  encodePattern(example: Example): EncodedText;
  /** Tokenizes an example's fields without a pattern (BOS included; sentence pairs as HF does). */
  encodePlain(example: Example): EncodedText;
  weightDecay: number;
}
