// Comparisons and casts. Comparisons yield bool (never differentiated); a float-to-float Cast
// passes its gradient back through the inverse cast.
import { isFloat, type DType, type GraphBuilder, type Tensor } from '../builder';
import type { GradRule } from '../gradRule';
import { broadcastShapes } from './broadcast';

const ONNX_TO: Record<DType, number> = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9, float64: 11 };

export function cast(g: GraphBuilder, x: Tensor, to: DType): Tensor {
  if (x.dtype === to) return x;
  const y = g.node1('Cast', [x], to, x.shape, { to: { kind: 'int', value: ONNX_TO[to] } });
  g.record('Cast', [x], [y]);
  return y;
}

function compare(g: GraphBuilder, op: 'Equal' | 'Greater' | 'Less', a: Tensor, b: Tensor): Tensor {
  const y = g.node1(op, [a, b], 'bool', broadcastShapes(a.shape, b.shape));
  g.record(op, [a, b], [y]);
  return y;
}

export const equal = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => compare(g, 'Equal', a, b);
export const greater = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => compare(g, 'Greater', a, b);
export const less = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => compare(g, 'Less', a, b);

const noGradient: GradRule = (_g, op) => op.inputs.map(() => undefined);

export const compareRules: Record<string, GradRule> = {
  Cast: (g, op, [dy]) => [isFloat(op.inputs[0]!.dtype) ? cast(g, dy!, op.inputs[0]!.dtype) : undefined],
  // Piecewise-constant: zero gradient almost everywhere.
  Equal: noGradient,
  Greater: noGradient,
  Less: noGradient,
};
