// OPT's parameters by name and shape, in the checkpoint's naming (`model.decoder.…`), and the
// parameter set a training run holds: one fp32 array per parameter, nothing copied.
import { canonicalName } from './weights/names';
import type { OptConfig } from './config';
import { POSITION_OFFSET } from './config';

export { canonicalName } from './weights/names';

export const EMBED_TOKENS = 'model.decoder.embed_tokens.weight';
export const EMBED_POSITIONS = 'model.decoder.embed_positions.weight';
export const PROJECT_IN_MODULE = 'model.decoder.project_in';
export const PROJECT_OUT_MODULE = 'model.decoder.project_out';
export const PROJECT_IN = `${PROJECT_IN_MODULE}.weight`;
export const PROJECT_OUT = `${PROJECT_OUT_MODULE}.weight`;
export const FINAL_LN = 'model.decoder.final_layer_norm';
export const SCORE = 'score.weight';

export const layerPrefix = (i: number): string => `model.decoder.layers.${i}`;

/** The linears of a decoder layer, by the module name PEFT's target_modules match. */
export const LAYER_LINEARS = ['self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj', 'self_attn.out_proj', 'fc1', 'fc2'] as const;

/** [out, in] of a decoder-layer linear. */
export function linearShape(config: OptConfig, module: (typeof LAYER_LINEARS)[number]): [number, number] {
  const c = config.hiddenSize;
  if (module === 'fc1') return [config.ffnDim, c];
  if (module === 'fc2') return [c, config.ffnDim];
  return [c, c];
}

/** Every base-model parameter with its shape, in a stable order (embeddings, layers, final). */
export function optParameterShapes(config: OptConfig): Map<string, number[]> {
  const c = config.hiddenSize;
  const shapes = new Map<string, number[]>();
  shapes.set(EMBED_TOKENS, [config.vocabSize, config.wordEmbedProjDim]);
  shapes.set(EMBED_POSITIONS, [config.maxPositions + POSITION_OFFSET, c]);
  if (config.wordEmbedProjDim !== c) {
    shapes.set(PROJECT_IN, [c, config.wordEmbedProjDim]);
    shapes.set(PROJECT_OUT, [config.wordEmbedProjDim, c]);
  }
  for (let i = 0; i < config.numLayers; i++) {
    const p = layerPrefix(i);
    for (const m of LAYER_LINEARS) {
      const [out, inp] = linearShape(config, m);
      shapes.set(`${p}.${m}.weight`, [out, inp]);
      if (config.enableBias) shapes.set(`${p}.${m}.bias`, [out]);
    }
    if (config.layerNormAffine) {
      for (const ln of ['self_attn_layer_norm', 'final_layer_norm']) {
        shapes.set(`${p}.${ln}.weight`, [c]);
        shapes.set(`${p}.${ln}.bias`, [c]);
      }
    }
  }
  if (config.finalLayerNorm && config.layerNormAffine) {
    shapes.set(`${FINAL_LN}.weight`, [c]);
    shapes.set(`${FINAL_LN}.bias`, [c]);
  }
  return shapes;
}

/** The classification head of OPTForSequenceClassification: a bias-free linear on the decoder output. */
export function scoreShape(config: OptConfig, numLabels: number): number[] {
  return [numLabels, config.wordEmbedProjDim];
}

/** Parameter values by canonical name. Arrays are shared, never copied. */
export type ParamValues = Map<string, Float32Array>;

/**
 * Takes the tensors of a checkpoint (names with or without `model.`) and checks them against the
 * expected shapes; errors list every missing or mis-shaped tensor at once.
 */
export function paramsFromTensors(
  tensors: ReadonlyMap<string, { shape: readonly number[]; data: ArrayLike<number> }>,
  expected: ReadonlyMap<string, readonly number[]>,
  source: string,
): ParamValues {
  const byName = new Map<string, { shape: readonly number[]; data: ArrayLike<number> }>();
  for (const [name, t] of tensors) byName.set(canonicalName(name), t);
  const problems: string[] = [];
  const out: ParamValues = new Map();
  for (const [name, shape] of expected) {
    const t = byName.get(name);
    if (!t) {
      problems.push(`missing tensor ${name} [${shape}]`);
      continue;
    }
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      problems.push(`tensor ${name} has shape [${t.shape}], the model expects [${shape}]`);
      continue;
    }
    out.set(name, t.data instanceof Float32Array ? t.data : Float32Array.from(t.data));
  }
  if (problems.length) throw new Error(`${source}: ${problems.join('; ')}`);
  return out;
}
