// The OPT decoder as a graph, laid out as HF's OPTDecoder computes it.
//
// Shapes: B batch, T sequence, C hidden, Cp embedding width (word_embed_proj_dim), F ffn width,
// H heads, D = C / H, V vocabulary, L layers. Activations are kept as rows [B*T, C] so that every
// linear is one Gemm with a transposed-weight flag.
import type { GraphBuilder, Tensor } from '../graph/builder';
import { add, mul, sub } from '../graph/ops/arithmetic';
import { dropout } from '../graph/ops/dropout';
import { gatherRows } from '../graph/ops/gather';
import { layerNorm } from '../graph/ops/layerNorm';
import { gemm, linear } from '../graph/ops/linear';
import { relu } from '../graph/ops/relu';
import { reshape } from '../graph/ops/shape';
import { LAYER_NORM_EPS, type OptConfig } from './config';
import { loraA, loraB, loraScaling, loraTargets } from './lora';
import { attention } from './optAttention';
import { EMBED_POSITIONS, EMBED_TOKENS, FINAL_LN, layerPrefix, PROJECT_IN_MODULE, PROJECT_OUT_MODULE } from './optParams';
import type { OptModelSpec } from './optSpec';

/** A dropout mask the caller must feed each training step: 0 or 1/(1-p) per element. */
export interface RandomMaskInput {
  name: string;
  shape: number[];
  p: number;
}

/** The per-batch inputs of the decoder (see optBatch.ts for how they are made from token ids). */
export interface OptBatchTensors {
  inputIds: Tensor; // [B, T] int64
  positionIds: Tensor; // [B, T] int64, already offset by 2
  keyMask: Tensor; // [B, T] float, 1 = real token, 0 = padding
}

export interface OptForward {
  /** hidden[i] = input of layer i; hidden[L] = decoder output. Rows [B*T, C] ([B*T, Cp] for the last). */
  hidden: Tensor[];
  /** The decoder output (after final layer norm / project_out where present), [B*T, Cp]. */
  output: Tensor;
  /** Dropout masks this graph takes as inputs (empty in eval mode). */
  masks: RandomMaskInput[];
}

/** The most negative float32: HF's additive mask value for keys a query may not see. */
const MASKED = -3.4028234663852886e38;

/** Builds the decoder; `param(name)` returns the graph tensor of a parameter. */
export class OptForwardBuilder {
  readonly masks: RandomMaskInput[] = [];
  private readonly lora = new Set<string>();
  private readonly config: OptConfig;

  constructor(
    private readonly g: GraphBuilder,
    private readonly spec: OptModelSpec,
    private readonly param: (name: string) => Tensor,
    private readonly training: boolean,
  ) {
    this.config = spec.config;
    if (spec.lora) for (const t of loraTargets(spec.config, spec.lora)) this.lora.add(t.module);
  }

  /** Dropout through a mask input, in training mode and for p > 0 only. */
  dropout(x: Tensor, p: number, name: string): Tensor {
    if (!this.training || p <= 0) return x;
    const mask = this.g.input(`dropout.${name}`, x.dtype, x.shape);
    this.masks.push({ name: mask.name, shape: [...x.shape], p });
    return dropout(this.g, x, mask);
  }

  /**
   * nn.Linear of a named module (bias when the model has biases), with its LoRA branch if adapted.
   * `outScale` multiplies the whole output, folded into the Gemms' alpha/beta (no extra pass).
   */
  linear(module: string, x: Tensor, hasBias = this.config.enableBias, outScale = 1): Tensor {
    const weight = this.param(`${module}.weight`);
    const bias = hasBias ? this.param(`${module}.bias`) : undefined;
    const base = gemm(this.g, x, weight, bias, { transB: true, alpha: outScale, beta: outScale });
    if (!this.lora.has(module) || !this.spec.lora) return base;
    const lx = this.dropout(x, this.spec.lora.dropout, `${module}.lora`);
    const down = linear(this.g, lx, this.param(loraA(module))); // [N, r]
    // base + scaling · down·Bᵀ in one Gemm (the base output is the bias term)
    return gemm(this.g, down, this.param(loraB(module)), base, { transB: true, alpha: loraScaling(this.spec.lora) * outScale });
  }

  layerNorm(prefix: string, x: Tensor): Tensor {
    const c = x.shape[x.shape.length - 1];
    const w = this.config.layerNormAffine ? this.param(`${prefix}.weight`) : this.g.constant(x.dtype, [c], new Array(c).fill(1));
    const b = this.config.layerNormAffine ? this.param(`${prefix}.bias`) : this.g.constant(x.dtype, [c], new Array(c).fill(0));
    return layerNorm(this.g, x, w, b, LAYER_NORM_EPS);
  }

  /** Additive attention bias [B, 1, T, T]: 0 where query i may see key j (j ≤ i, j not padding). */
  attentionBias(keyMask: Tensor): Tensor {
    const g = this.g;
    const [b, t] = keyMask.shape;
    const causal = new Array<number>(t * t);
    for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) causal[i * t + j] = j <= i ? 1 : 0;
    const allowed = mul(g, g.constant(keyMask.dtype, [1, 1, t, t], causal, 'causal'), reshape(g, keyMask, [b, 1, 1, t]));
    return mul(g, sub(g, g.scalar(1, keyMask.dtype), allowed), g.scalar(MASKED, keyMask.dtype));
  }

  build(inputs: OptBatchTensors): OptForward {
    const g = this.g;
    const cfg = this.config;
    const [b, t] = inputs.inputIds.shape;
    const ids = reshape(g, inputs.inputIds, [b * t]);
    const positions = reshape(g, inputs.positionIds, [b * t]);
    let tokens = gatherRows(g, this.param(EMBED_TOKENS), ids); // [BT, Cp]
    if (cfg.wordEmbedProjDim !== cfg.hiddenSize) tokens = this.linear(PROJECT_IN_MODULE, tokens, false); // [BT, C]
    let h = add(g, tokens, gatherRows(g, this.param(EMBED_POSITIONS), positions)); // [BT, C]
    const bias = this.attentionBias(inputs.keyMask);

    const hidden: Tensor[] = [];
    for (let i = 0; i < cfg.numLayers; i++) {
      hidden.push(h);
      h = g.scope(`layer${i}`, () => this.layer(i, h, bias, b, t));
    }
    if (cfg.finalLayerNorm) h = this.layerNorm(FINAL_LN, h);
    if (cfg.wordEmbedProjDim !== cfg.hiddenSize) h = this.linear(PROJECT_OUT_MODULE, h, false); // [BT, Cp]
    hidden.push(h);
    return { hidden, output: h, masks: this.masks };
  }

  private layer(i: number, input: Tensor, bias: Tensor, b: number, t: number): Tensor {
    const g = this.g;
    const cfg = this.config;
    const p = layerPrefix(i);
    const pre = cfg.doLayerNormBefore;

    // self-attention block
    let x = pre ? this.layerNorm(`${p}.self_attn_layer_norm`, input) : input;
    x = attention(this, g, `${p}.self_attn`, x, bias, { batch: b, seq: t, heads: cfg.numHeads, attentionDropout: cfg.attentionDropout });
    x = this.dropout(x, cfg.dropout, `${p}.attn_out`);
    let h = add(g, input, x);
    if (!pre) h = this.layerNorm(`${p}.self_attn_layer_norm`, h);

    // feed-forward block
    x = pre ? this.layerNorm(`${p}.final_layer_norm`, h) : h;
    x = relu(g, this.linear(`${p}.fc1`, x)); // [BT, F]
    x = this.dropout(x, cfg.activationDropout, `${p}.activation`);
    x = this.dropout(this.linear(`${p}.fc2`, x), cfg.dropout, `${p}.ffn_out`); // [BT, C]
    h = add(g, h, x);
    if (!pre) h = this.layerNorm(`${p}.final_layer_norm`, h);
    return h;
  }
}

/** Convenience: builds the decoder in one call. */
export function buildOptForward(
  g: GraphBuilder,
  spec: OptModelSpec,
  param: (name: string) => Tensor,
  inputs: OptBatchTensors,
  training: boolean,
): OptForward {
  return new OptForwardBuilder(g, spec, param, training).build(inputs);
}
