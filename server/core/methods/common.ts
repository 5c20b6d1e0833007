// Pieces several methods share: fresh classification heads, trainable-name predicates, and the
// count of trainable parameters.
import { countParameters, modelParameterShapes, type OptModelSpec } from '../model/optSpec';
import { EMBED_POSITIONS, EMBED_TOKENS, PROJECT_IN, SCORE, type ParamValues } from '../model/optParams';
import type { Rng } from '../model/random';

/** HF initializes OPT's linear layers (the score head too) from N(0, init_std = 0.02). */
export const OPT_INIT_STD = 0.02;

/** The base weights plus a freshly initialized `score` head when the spec has one. */
export function withFreshHead(spec: OptModelSpec, base: ParamValues, rng: Rng): ParamValues {
  const values: ParamValues = new Map(base);
  if (spec.numLabels !== undefined) {
    const shape = modelParameterShapes(spec).get(SCORE)!;
    values.set(SCORE, rng.fillNormal(new Float32Array(shape[0] * shape[1]), OPT_INIT_STD));
  }
  return values;
}

export function countTrainable(spec: OptModelSpec, trainable: (name: string) => boolean): number {
  return countParameters(modelParameterShapes(spec), trainable);
}

/** Token and position embeddings (and opt-350m's project_in, which sits on the embedding path). */
export function isEmbedding(name: string): boolean {
  return name === EMBED_TOKENS || name === EMBED_POSITIONS || name === PROJECT_IN;
}

/** Decoder layer index of a parameter, or undefined for parameters outside the layers. */
export function layerIndex(name: string): number | undefined {
  const m = /^model\.decoder\.layers\.(\d+)\./.exec(name);
  return m ? Number(m[1]) : undefined;
}
