// Softmax and log-softmax over one axis. Log-softmax is composed as x - max - log(Σ exp(x - max))
// because the WebGPU provider has no LogSoftmax kernel; it is taped as one op so its gradient is
// the closed form dx = dy - softmax · Σ dy rather than the gradient of each piece.
import type { GraphBuilder, Tensor } from '../builder';
import type { GradRule } from '../gradRule';
import { mul, sub } from './arithmetic';
import { exp, log } from './pointwise';
import { reduceMax, reduceSum } from './reduce';

const norm = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

export function softmax(g: GraphBuilder, x: Tensor, axis = -1): Tensor {
  const ax = norm(axis, x.shape.length);
  const y = g.node1('Softmax', [x], x.dtype, x.shape, { axis: { kind: 'int', value: ax } });
  g.record('Softmax', [x], [y], { axis: ax });
  return y;
}

export function logSoftmax(g: GraphBuilder, x: Tensor, axis = -1): Tensor {
  const ax = norm(axis, x.shape.length);
  const y = g.untaped(() => {
    const shifted = sub(g, x, reduceMax(g, x, [ax]));
    return sub(g, shifted, log(g, reduceSum(g, exp(g, shifted), [ax])));
  });
  g.record('LogSoftmax', [x], [y], { axis: ax });
  return y;
}

export const softmaxRules: Record<string, GradRule> = {
  // dx = y · (dy - Σ dy·y)
  Softmax: (g, op, [dy]) => {
    const y = op.outputs[0];
    const ax = op.attrs.axis as number;
    return [mul(g, y, sub(g, dy!, reduceSum(g, mul(g, dy!, y), [ax])))];
  },
  // dx = dy - exp(y) · Σ dy
  LogSoftmax: (g, op, [dy]) => {
    const y = op.outputs[0];
    const ax = op.attrs.axis as number;
    return [sub(g, dy!, mul(g, exp(g, y), reduceSum(g, dy!, [ax])))];
  },
};
