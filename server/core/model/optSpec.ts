// What fixes a model's graph: the OPT config, LoRA adapters (if any) and the classification head
// (if any). Two specs with the same key compile to the same graphs.
import type { OptConfig } from './config';
import { loraParameterShapes, type LoraOptions } from './lora';
import { optParameterShapes, SCORE, scoreShape } from './optParams';

export interface OptModelSpec {
  config: OptConfig;
  lora?: LoraOptions;
  /** Adds OPTForSequenceClassification's `score` head with this many labels. */
  numLabels?: number;
}

/** Every parameter of the spec (base, adapters, head) with its shape, in a stable order. */
export function modelParameterShapes(spec: OptModelSpec): Map<string, number[]> {
  const shapes = optParameterShapes(spec.config);
  if (spec.lora) for (const [n, s] of loraParameterShapes(spec.config, spec.lora)) shapes.set(n, s);
  if (spec.numLabels !== undefined) {
    if (!Number.isInteger(spec.numLabels) || spec.numLabels < 1) throw new Error(`numLabels must be a positive integer, got ${spec.numLabels}`);
    shapes.set(SCORE, scoreShape(spec.config, spec.numLabels));
  }
  return shapes;
}

export function specKey(spec: OptModelSpec): string {
  return JSON.stringify({ c: spec.config, l: spec.lora ?? null, n: spec.numLabels ?? null });
}

export function countParameters(shapes: ReadonlyMap<string, readonly number[]>, filter: (name: string) => boolean = () => true): number {
  let n = 0;
  for (const [name, shape] of shapes) if (filter(name)) n += shape.reduce((a, b) => a * b, 1);
  return n;
}
