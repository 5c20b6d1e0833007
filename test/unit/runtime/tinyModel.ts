// The tiny fixture model and small token batches for runtime tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { parseOptConfig } from '../../../server/core/model/config';
import { padBatch } from '../../../server/core/model/optBatch';
import { paramsFromTensors, type ParamValues } from '../../../server/core/model/optParams';
import { modelParameterShapes, type OptModelSpec } from '../../../server/core/model/optSpec';
import { Rng } from '../../../server/core/model/random';
import { readSafetensors } from '../../../server/core/model/weights/safetensors';
import { classLabelTensor, decoderTensors, lmLabelTensor } from '../../../server/core/runtime/batchFeeds';

const DIR = join(__dirname, '../../fixtures/reference/tiny-opt-prenorm');
export const config = parseOptConfig(JSON.parse(readFileSync(join(DIR, 'config.json'), 'utf8')), 'config.json');

/** Fresh parameter arrays (a state takes its arrays over, so each test gets its own). */
export function loadParams(spec: OptModelSpec, seed = 1): ParamValues {
  const shapes = modelParameterShapes(spec);
  const base = paramsFromTensors(readSafetensors(join(DIR, 'model.safetensors')) as never, new Map([...shapes].filter(([n]) => !n.includes('lora_') && n !== 'score.weight')), DIR);
  const rng = new Rng(seed);
  const out: ParamValues = new Map();
  for (const [n, shape] of shapes) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (base.has(n)) out.set(n, Float32Array.from(base.get(n)!));
    else if (n.includes('lora_B')) out.set(n, new Float32Array(size)); // PEFT's zero init
    else out.set(n, rng.fillNormal(new Float32Array(size), 0.2));
  }
  return out;
}

/** Random sentences of varied length, right-padded. */
export function sentences(count: number, seq: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const len = 3 + Math.floor(rng.next() * (seq - 3));
    return [2, ...Array.from({ length: len - 1 }, () => 4 + Math.floor(rng.next() * 500))];
  });
}

/** Decoder feeds + shifted LM labels + class labels for a list of token sequences. */
export function feedsFor(seqs: number[][], seq: number, classLabels?: number[]): Record<string, ort.Tensor> {
  const b = padBatch(seqs, seq, config.padTokenId);
  return { ...decoderTensors(b, config.padTokenId), ...lmLabelTensor(b), ...(classLabels ? classLabelTensor(classLabels) : {}) };
}
