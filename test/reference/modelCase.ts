// Loads a model case: config, weights (plus the classification head from the golden file), the
// golden batch as decoder feeds, and the golden tensors themselves.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { parseOptConfig, type OptConfig } from '../../server/core/model/config';
import { decoderFeeds, shiftedLmLabels } from '../../server/core/model/optBatch';
import { paramsFromTensors, SCORE, type ParamValues } from '../../server/core/model/optParams';
import { modelParameterShapes, type OptModelSpec } from '../../server/core/model/optSpec';
import { readSafetensors, type NamedTensor } from '../../server/core/model/weights/safetensors';
import { CLASS_LABELS, LM_LABELS } from '../../server/core/runtime/losses';
import { float32Tensor, int64Tensor } from '../../server/core/runtime/tensors';

export interface ModelCase {
  config: OptConfig;
  /** The model, with the classification head when the case has one (num_labels from golden.json). */
  spec: OptModelSpec;
  hasClassification: boolean;
  params: ParamValues;
  golden: Map<string, NamedTensor>;
  goldenJson: { lm_loss: number; cls_loss: number; num_labels: number; pad_token_id: number };
  batch: number;
  seq: number;
  /** Decoder feeds plus the LM and classification labels. */
  feeds: Record<string, ort.Tensor>;
}

export function floatsOf(t: NamedTensor | undefined, name: string): Float32Array {
  if (!t || !(t.data instanceof Float32Array)) throw new Error(`golden tensor ${name} missing or not F32`);
  return t.data;
}

function intsOf(t: NamedTensor | undefined, name: string): BigInt64Array {
  if (!t || !(t.data instanceof BigInt64Array)) throw new Error(`golden tensor ${name} missing or not I64`);
  return t.data;
}

export function loadModelCase(dir: string): ModelCase {
  const config = parseOptConfig(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')), join(dir, 'config.json'));
  const golden = readSafetensors(join(dir, 'golden.safetensors'));
  const goldenJson = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8'));
  const score = golden.get('cls.score.weight');
  const hasClassification = score !== undefined;
  const spec: OptModelSpec = hasClassification ? { config, numLabels: goldenJson.num_labels ?? score.shape[0] } : { config };
  const weights = readSafetensors(join(dir, 'model.safetensors'));
  if (score) weights.set(SCORE, score);
  const params = paramsFromTensors(weights as Map<string, { shape: number[]; data: ArrayLike<number> }>, modelParameterShapes(spec), dir);

  const [batch, seq] = golden.get('input_ids')!.shape;
  const ids = intsOf(golden.get('input_ids'), 'input_ids');
  const mask = intsOf(golden.get('attention_mask'), 'attention_mask');
  const dec = decoderFeeds({ batch, seq, inputIds: ids, attentionMask: mask }, config.padTokenId);
  const feeds: Record<string, ort.Tensor> = {
    input_ids: int64Tensor(dec.input_ids, [batch, seq]),
    position_ids: int64Tensor(dec.position_ids, [batch, seq]),
    key_mask: float32Tensor(dec.key_mask, [batch, seq]),
    last_token_row: int64Tensor(dec.last_token_row, [batch]),
    [LM_LABELS]: int64Tensor(shiftedLmLabels(intsOf(golden.get('lm_labels'), 'lm_labels'), batch, seq), [batch * seq]),
  };
  if (hasClassification) feeds[CLASS_LABELS] = int64Tensor(intsOf(golden.get('cls.labels'), 'cls.labels'), [batch]);
  return { config, spec, hasClassification, params, golden, goldenJson, batch, seq, feeds };
}
