// LoRA on any named linear of the decoder: the base weight stays (frozen by the method), and
//   y = x·Wᵀ + b + (alpha / r) · (dropout(x)·Aᵀ)·Bᵀ,   A [r, in], B [out, r]
// A starts Kaiming-uniform (a = √5, hence bound 1/√in) and B at zero, as PEFT initializes them,
// so training starts from the base model exactly. Names follow PEFT's state dict
// (`….q_proj.lora_A.default.weight`) without its `base_model.model.` prefix.
import type { OptConfig } from './config';
import { LAYER_LINEARS, layerPrefix, linearShape, PROJECT_IN_MODULE, PROJECT_OUT_MODULE, type ParamValues } from './optParams';
import type { Rng } from './random';

export interface LoraOptions {
  r: number;
  alpha: number;
  /** Dropout on the adapter's input during training (PEFT's lora_dropout). */
  dropout: number;
  /** Module names or suffixes, as PEFT's target_modules (default q_proj and v_proj). */
  targetModules: readonly string[];
}

export const DEFAULT_LORA_TARGETS = ['q_proj', 'v_proj'] as const;

export const loraScaling = (o: LoraOptions): number => o.alpha / o.r;

export const loraA = (module: string): string => `${module}.lora_A.default.weight`;
export const loraB = (module: string): string => `${module}.lora_B.default.weight`;

/** PEFT's rule: a target matches a module named exactly so or ending in `.target`. */
function matches(module: string, target: string): boolean {
  return module === target || module.endsWith(`.${target}`);
}

export interface LoraTarget {
  /** Full module name, e.g. model.decoder.layers.0.self_attn.q_proj */
  module: string;
  inFeatures: number;
  outFeatures: number;
}

/** Every decoder linear the options adapt; throws if a target matches nothing (a likely typo). */
export function loraTargets(config: OptConfig, o: LoraOptions): LoraTarget[] {
  if (!Number.isInteger(o.r) || o.r <= 0) throw new Error(`LoRA rank must be a positive integer, got ${o.r}`);
  const candidates: LoraTarget[] = [];
  for (let i = 0; i < config.numLayers; i++) {
    for (const m of LAYER_LINEARS) {
      const [out, inp] = linearShape(config, m);
      candidates.push({ module: `${layerPrefix(i)}.${m}`, inFeatures: inp, outFeatures: out });
    }
  }
  if (config.wordEmbedProjDim !== config.hiddenSize) {
    candidates.push({ module: PROJECT_IN_MODULE, inFeatures: config.wordEmbedProjDim, outFeatures: config.hiddenSize });
    candidates.push({ module: PROJECT_OUT_MODULE, inFeatures: config.hiddenSize, outFeatures: config.wordEmbedProjDim });
  }
  for (const t of o.targetModules) {
    if (!candidates.some((c) => matches(c.module, t))) {
      throw new Error(`LoRA target "${t}" matches no linear of the model (try ${DEFAULT_LORA_TARGETS.join(', ')}, k_proj, out_proj, fc1, fc2)`);
    }
  }
  const chosen = candidates.filter((c) => o.targetModules.some((t) => matches(c.module, t)));
  for (const c of chosen) {
    if (o.r > Math.min(c.inFeatures, c.outFeatures)) {
      throw new Error(`LoRA rank ${o.r} exceeds the dimensions of ${c.module} [${c.outFeatures}, ${c.inFeatures}]`);
    }
  }
  return chosen;
}

export function loraParameterShapes(config: OptConfig, o: LoraOptions): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const t of loraTargets(config, o)) {
    shapes.set(loraA(t.module), [o.r, t.inFeatures]);
    shapes.set(loraB(t.module), [t.outFeatures, o.r]);
  }
  return shapes;
}

/** Fresh adapter weights: A ~ U(-1/√in, 1/√in) (kaiming_uniform_ with a = √5), B = 0. */
export function initLora(config: OptConfig, o: LoraOptions, rng: Rng): ParamValues {
  const values: ParamValues = new Map();
  for (const t of loraTargets(config, o)) {
    const bound = 1 / Math.sqrt(t.inFeatures);
    values.set(loraA(t.module), rng.fillUniform(new Float32Array(o.r * t.inFeatures), -bound, bound));
    values.set(loraB(t.module), new Float32Array(t.outFeatures * o.r));
  }
  return values;
}

/**
 * Base weights with the adapters folded in (W + scaling · B·A), for evaluation without the
 * adapter branch. Only adapted weights are new arrays; every other entry is shared with `params`.
 */
export function mergeLora(config: OptConfig, o: LoraOptions, params: ParamValues): ParamValues {
  const merged: ParamValues = new Map(params);
  const s = loraScaling(o);
  for (const t of loraTargets(config, o)) {
    const w = params.get(`${t.module}.weight`);
    const a = params.get(loraA(t.module));
    const b = params.get(loraB(t.module));
    if (!w || !a || !b) throw new Error(`cannot merge LoRA into ${t.module}: weight or adapter missing`);
    const out = Float32Array.from(w);
    const [n, k, r] = [t.outFeatures, t.inFeatures, o.r];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < r; j++) {
        const bij = b[i * r + j] * s;
        if (bij === 0) continue;
        const row = j * k;
        for (let c = 0; c < k; c++) out[i * k + c] += bij * a[row + c];
      }
    }
    merged.set(`${t.module}.weight`, out);
    merged.delete(loraA(t.module));
    merged.delete(loraB(t.module));
  }
  return merged;
}
