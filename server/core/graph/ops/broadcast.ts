// Numpy-style broadcasting: the result shape of a binary op, and the reduction that brings a
// gradient of the broadcast result back to an operand's own shape.
import { GraphError, shapeString, type GraphBuilder, type Tensor } from '../builder';

export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new GraphError(`shapes ${shapeString(a)} and ${shapeString(b)} do not broadcast`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Sums `grad` over the axes along which an operand of shape `shape` was broadcast. */
export function sumToShape(g: GraphBuilder, grad: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(grad.shape, shape)) return grad;
  const lead = grad.shape.length - shape.length;
  const axes: number[] = [];
  grad.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  let out = grad;
  if (axes.length > 0) {
    const kept = grad.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    out = g.node1('ReduceSum', [grad, g.int64s(axes)], grad.dtype, kept, { keepdims: { kind: 'int', value: 1 } });
  }
  if (!sameShape(out.shape, shape)) {
    out = g.node1('Reshape', [out, g.int64s([...shape])], grad.dtype, shape);
  }
  return out;
}

/** A tensor of zeros of the given shape, made by expanding a scalar (no large initializer). */
export function zerosOf(g: GraphBuilder, dtype: Tensor['dtype'], shape: readonly number[]): Tensor {
  return g.node1('Expand', [g.scalar(0, dtype), g.int64s([...shape])], dtype, shape);
}
