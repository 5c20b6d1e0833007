// Reshape, Transpose, Unsqueeze, Expand: data movement whose gradients move the data back
// (Expand's gradient sums over the broadcast axes).
import { GraphError, numel, shapeString, type GraphBuilder, type Tensor } from '../builder';
import type { GradRule } from '../gradRule';
import { broadcastShapes, sumToShape } from './broadcast';

/** Reshape to a static shape; one entry may be -1 (inferred). */
export function reshape(g: GraphBuilder, x: Tensor, shape: readonly number[]): Tensor {
  const total = numel(x.shape);
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const resolved = shape.map((d) => (d === -1 ? total / known : d));
  if (numel(resolved) !== total || resolved.some((d) => !Number.isInteger(d))) {
    throw new GraphError(`cannot reshape ${shapeString(x.shape)} to ${shapeString(shape)}`);
  }
  const y = g.node1('Reshape', [x, g.int64s(resolved)], x.dtype, resolved);
  g.record('Reshape', [x], [y]);
  return y;
}

export function transpose(g: GraphBuilder, x: Tensor, perm: readonly number[]): Tensor {
  if (perm.length !== x.shape.length) throw new GraphError(`transpose: perm [${perm}] for shape ${shapeString(x.shape)}`);
  const y = g.node1('Transpose', [x], x.dtype, perm.map((p) => x.shape[p]), { perm: { kind: 'ints', value: perm } });
  g.record('Transpose', [x], [y], { perm });
  return y;
}

export function unsqueeze(g: GraphBuilder, x: Tensor, axes: readonly number[]): Tensor {
  const rank = x.shape.length + axes.length;
  const norm = axes.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  const shape: number[] = [];
  let src = 0;
  for (let i = 0; i < rank; i++) shape.push(norm.includes(i) ? 1 : x.shape[src++]);
  const y = g.node1('Unsqueeze', [x, g.int64s(norm)], x.dtype, shape);
  g.record('Unsqueeze', [x], [y]);
  return y;
}

export function expand(g: GraphBuilder, x: Tensor, shape: readonly number[]): Tensor {
  const out = broadcastShapes(x.shape, shape);
  const y = g.node1('Expand', [x, g.int64s(shape)], x.dtype, out);
  g.record('Expand', [x], [y]);
  return y;
}

export const shapeRules: Record<string, GradRule> = {
  Reshape: (g, op, [dy]) => [reshape(g, dy!, op.inputs[0]!.shape)],
  Unsqueeze: (g, op, [dy]) => [reshape(g, dy!, op.inputs[0]!.shape)],
  Transpose: (g, op, [dy]) => {
    const perm = op.attrs.perm as number[];
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return [transpose(g, dy!, inverse)];
  },
  Expand: (g, op, [dy]) => [sumToShape(g, dy!, op.inputs[0]!.shape)],
};
