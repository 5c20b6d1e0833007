// Slice (one axis, unit step) and Concat. Slice's gradient pads with zeros by concatenation
// (Pad is not on the WebGPU provider's list); Concat's gradient slices the pieces back out.
import { GraphError, shapeString, type GraphBuilder, type Tensor } from '../builder';
import type { GradRule } from '../gradRule';
import { zerosOf } from './broadcast';

const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

/** x[..., start:end, ...] along `axis` (non-negative start/end within the dimension). */
export function slice(g: GraphBuilder, x: Tensor, axis: number, start: number, end: number): Tensor {
  const ax = normAxis(axis, x.shape.length);
  if (start < 0 || end > x.shape[ax] || start >= end) {
    throw new GraphError(`slice ${start}:${end} out of range for axis ${ax} of ${shapeString(x.shape)}`);
  }
  const shape = x.shape.map((d, i) => (i === ax ? end - start : d));
  const y = g.node1('Slice', [x, g.int64s([start]), g.int64s([end]), g.int64s([ax])], x.dtype, shape);
  g.record('Slice', [x], [y], { axis: ax, start, end });
  return y;
}

export function concat(g: GraphBuilder, xs: readonly Tensor[], axis: number): Tensor {
  const ax = normAxis(axis, xs[0].shape.length);
  const shape = [...xs[0].shape];
  shape[ax] = xs.reduce((s, x) => s + x.shape[ax], 0);
  const y = g.node1('Concat', xs, xs[0].dtype, shape, { axis: { kind: 'int', value: ax } });
  g.record('Concat', xs, [y], { axis: ax });
  return y;
}

export const sliceConcatRules: Record<string, GradRule> = {
  Slice: (g, op, [dy]) => {
    const x = op.inputs[0]!;
    const { axis, start, end } = op.attrs as { axis: number; start: number; end: number };
    const pieces: Tensor[] = [];
    const padShape = (n: number): number[] => x.shape.map((d, i) => (i === axis ? n : d));
    if (start > 0) pieces.push(zerosOf(g, x.dtype, padShape(start)));
    pieces.push(dy!);
    if (end < x.shape[axis]) pieces.push(zerosOf(g, x.dtype, padShape(x.shape[axis] - end)));
    return [pieces.length === 1 ? dy! : concat(g, pieces, axis)];
  },
  Concat: (g, op, [dy], needs) => {
    const axis = op.attrs.axis as number;
    let offset = 0;
    return op.inputs.map((x, i) => {
      const start = offset;
      offset += x!.shape[axis];
      return needs[i] ? slice(g, dy!, axis, start, offset) : undefined;
    });
  },
};
