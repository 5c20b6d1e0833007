// OPT's multi-head self-attention on rows [B*T, C]:
//   q = q_proj(x) · D^-½,  k = k_proj(x),  v = v_proj(x)
//   P = softmax(q·kᵀ + bias)   [B, H, T, T]   (bias: causal + padding, additive)
//   out = out_proj(P·v)
// k is transposed straight to [B, H, D, T] so q·kᵀ is a plain batched MatMul.
import type { GraphBuilder, Tensor } from '../graph/builder';
import { add } from '../graph/ops/arithmetic';
import { matmul } from '../graph/ops/linear';
import { reshape, transpose } from '../graph/ops/shape';
import { softmax } from '../graph/ops/softmax';

/** The parts of the decoder builder attention needs (named linears with LoRA, dropout masks). */
export interface LayerOps {
  /** A named linear; `outScale` multiplies its output (folded into the Gemm). */
  linear(module: string, x: Tensor, hasBias?: boolean, outScale?: number): Tensor;
  dropout(x: Tensor, p: number, name: string): Tensor;
}

export interface AttentionShape {
  batch: number;
  seq: number;
  heads: number;
  attentionDropout: number;
}

export function attention(ops: LayerOps, g: GraphBuilder, prefix: string, x: Tensor, bias: Tensor, s: AttentionShape): Tensor {
  const [rows, c] = x.shape;
  const { batch: b, seq: t, heads: h } = s;
  const d = c / h;
  const split = (y: Tensor): Tensor => reshape(g, y, [b, t, h, d]);
  // HF scales q_proj's output (bias included) by D^-½: folded into the Gemm as alpha = beta = D^-½
  const q = transpose(g, split(ops.linear(`${prefix}.q_proj`, x, undefined, d ** -0.5)), [0, 2, 1, 3]); // [B, H, T, D]
  const kT = transpose(g, split(ops.linear(`${prefix}.k_proj`, x)), [0, 2, 3, 1]); // [B, H, D, T]
  const v = transpose(g, split(ops.linear(`${prefix}.v_proj`, x)), [0, 2, 1, 3]); // [B, H, T, D]
  let probs = softmax(g, add(g, matmul(g, q, kT), bias), -1); // [B, H, T, T]
  probs = ops.dropout(probs, s.attentionDropout, `${prefix}.probs`);
  const context = reshape(g, transpose(g, matmul(g, probs, v), [0, 2, 1, 3]), [rows, c]); // [BT, C]
  return ops.linear(`${prefix}.out_proj`, context);
}
