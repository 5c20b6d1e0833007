// ReduceSum, ReduceMean (differentiable) and ReduceMax (no gradient: used where the max only
// stabilizes a computation whose result does not depend on it, e.g. inside log-sum-exp).
// Opset 17: ReduceSum takes its axes as an input, ReduceMean/ReduceMax as an attribute.
import type { GraphBuilder, Tensor } from '../builder';
import type { GradRule } from '../gradRule';
import { scale } from './arithmetic';
import { expand, reshape } from './shape';

function normAxes(axes: readonly number[], rank: number): number[] {
  return axes.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
}

function reducedShape(shape: readonly number[], axes: readonly number[], keepdims: boolean): number[] {
  return keepdims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

export function reduceSum(g: GraphBuilder, x: Tensor, axes: readonly number[], keepdims = true): Tensor {
  const ax = normAxes(axes, x.shape.length);
  const y = g.node1('ReduceSum', [x, g.int64s(ax)], x.dtype, reducedShape(x.shape, ax, keepdims), {
    keepdims: { kind: 'int', value: keepdims ? 1 : 0 },
  });
  g.record('ReduceSum', [x], [y], { axes: ax });
  return y;
}

export function reduceMean(g: GraphBuilder, x: Tensor, axes: readonly number[], keepdims = true): Tensor {
  const ax = normAxes(axes, x.shape.length);
  const y = g.node1('ReduceMean', [x], x.dtype, reducedShape(x.shape, ax, keepdims), {
    axes: { kind: 'ints', value: ax },
    keepdims: { kind: 'int', value: keepdims ? 1 : 0 },
  });
  g.record('ReduceMean', [x], [y], { axes: ax });
  return y;
}

export function reduceMax(g: GraphBuilder, x: Tensor, axes: readonly number[], keepdims = true): Tensor {
  const ax = normAxes(axes, x.shape.length);
  const y = g.node1('ReduceMax', [x], x.dtype, reducedShape(x.shape, ax, keepdims), {
    axes: { kind: 'ints', value: ax },
    keepdims: { kind: 'int', value: keepdims ? 1 : 0 },
  });
  g.record('ReduceMax', [x], [y], { axes: ax });
  return y;
}

/** Spreads a reduced gradient back over the input's shape. */
function spread(g: GraphBuilder, dy: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  const kept = reducedShape(x.shape, axes, true);
  return expand(g, reshape(g, dy, kept), x.shape);
}

export const reduceRules: Record<string, GradRule> = {
  ReduceSum: (g, op, [dy]) => [spread(g, dy!, op.inputs[0]!, op.attrs.axes as number[])],
  ReduceMean: (g, op, [dy]) => {
    const x = op.inputs[0]!;
    const axes = op.attrs.axes as number[];
    const count = axes.reduce((n, a) => n * x.shape[a], 1);
    return [spread(g, scale(g, dy!, 1 / count), x, axes)];
  },
};
