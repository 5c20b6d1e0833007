// MatMul (batched) and Gemm (2-D, with transpose flags and a broadcast bias). Gemm's flags let
// both the forward (x·Wᵀ with W stored [out, in] as in PyTorch) and the backward products run
// without materialized transposes: 86% of a training step is these products.
import { GraphError, shapeString, type GraphBuilder, type Tensor } from '../builder';
import type { GradRule } from '../gradRule';
import { scale } from './arithmetic';
import { sumToShape } from './broadcast';
import { reshape, transpose } from './shape';

/** a [..., M, K] @ b [..., K, N] (same batch dims) or a [..., M, K] @ b [K, N]. */
export function matmul(g: GraphBuilder, a: Tensor, b: Tensor): Tensor {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const k = a.shape[ra - 1];
  const sameBatch = ra === rb && a.shape.slice(0, -2).every((d, i) => d === b.shape[i]);
  if (ra < 2 || rb < 2 || b.shape[rb - 2] !== k || !(sameBatch || rb === 2)) {
    throw new GraphError(`matmul: ${shapeString(a.shape)} @ ${shapeString(b.shape)} not supported`);
  }
  const y = g.node1('MatMul', [a, b], a.dtype, [...a.shape.slice(0, -1), b.shape[rb - 1]]);
  g.record('MatMul', [a, b], [y]);
  return y;
}

export interface GemmOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
}

/** alpha · op(a) · op(b) + beta · c, with op = transpose when its flag is set. */
export function gemm(g: GraphBuilder, a: Tensor, b: Tensor, c?: Tensor, opts: GemmOptions = {}): Tensor {
  const { transA = false, transB = false, alpha = 1, beta = 1 } = opts;
  if (a.shape.length !== 2 || b.shape.length !== 2) {
    throw new GraphError(`gemm needs 2-D operands, got ${shapeString(a.shape)} and ${shapeString(b.shape)}`);
  }
  const [m, ka] = transA ? [a.shape[1], a.shape[0]] : a.shape;
  const [kb, n] = transB ? [b.shape[1], b.shape[0]] : b.shape;
  if (ka !== kb) throw new GraphError(`gemm: inner dims differ (${shapeString(a.shape)}${transA ? 'ᵀ' : ''} · ${shapeString(b.shape)}${transB ? 'ᵀ' : ''})`);
  const attrs = {
    transA: { kind: 'int' as const, value: transA ? 1 : 0 },
    transB: { kind: 'int' as const, value: transB ? 1 : 0 },
    alpha: { kind: 'float' as const, value: alpha },
    beta: { kind: 'float' as const, value: beta },
  };
  const y = g.node1('Gemm', c ? [a, b, c] : [a, b], a.dtype, [m, n], attrs);
  g.record('Gemm', [a, b, c], [y], { transA, transB, alpha, beta });
  return y;
}

/** PyTorch's nn.Linear on rows: x [N, in] · W[out, in]ᵀ + bias [out]. */
export function linear(g: GraphBuilder, x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  return gemm(g, x, weight, bias, { transB: true });
}

const lastTwo = (rank: number): number[] => [...Array(rank - 2).keys(), rank - 1, rank - 2];

const matmulRule: GradRule = (g, op, [dy], needs) => {
  const [a, b] = op.inputs as Tensor[];
  let da: Tensor | undefined;
  let db: Tensor | undefined;
  if (b.shape.length === 2 && a.shape.length > 2) {
    // Fold the batch into rows so both products are plain Gemms.
    const k = b.shape[0];
    const n = b.shape[1];
    const dy2 = reshape(g, dy!, [-1, n]);
    if (needs[0]) da = reshape(g, gemm(g, dy2, b, undefined, { transB: true }), a.shape);
    if (needs[1]) db = gemm(g, reshape(g, a, [-1, k]), dy2, undefined, { transA: true });
  } else {
    if (needs[0]) da = sumToShape(g, matmul(g, dy!, transpose(g, b, lastTwo(b.shape.length))), a.shape);
    if (needs[1]) db = sumToShape(g, matmul(g, transpose(g, a, lastTwo(a.shape.length)), dy!), b.shape);
  }
  return [da, db];
};

// With A' = op(A), B' = op(B):  dA' = alpha·dY·B'ᵀ,  dB' = alpha·A'ᵀ·dY, each written as one Gemm
// whose flags absorb every transpose.
const gemmRule: GradRule = (g, op, [dy], needs) => {
  const [a, b, c] = op.inputs;
  const { transA, transB, alpha, beta } = op.attrs as { transA: boolean; transB: boolean; alpha: number; beta: number };
  let da: Tensor | undefined;
  let db: Tensor | undefined;
  let dc: Tensor | undefined;
  if (needs[0]) {
    da = transA
      ? gemm(g, b!, dy!, undefined, { transA: transB, transB: true, alpha })
      : gemm(g, dy!, b!, undefined, { transB: !transB, alpha });
  }
  if (needs[1]) {
    db = transB
      ? gemm(g, dy!, a!, undefined, { transA: true, transB: transA, alpha })
      : gemm(g, a!, dy!, undefined, { transA: !transA, alpha });
  }
  if (needs[2] && c) dc = sumToShape(g, beta === 1 ? dy! : scale(g, dy!, beta), c.shape);
  return [da, db, dc];
};

export const linearRules: Record<string, GradRule> = { MatMul: matmulRule, Gemm: gemmRule };
