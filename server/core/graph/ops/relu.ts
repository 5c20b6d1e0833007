// ReLU. The gradient passes where the output is positive (Greater + Where: both run on the
// WebGPU provider, unlike training-only ReluGrad kernels).
import type { GraphBuilder, Tensor } from '../builder';
import type { GradRule } from '../gradRule';

export function relu(g: GraphBuilder, x: Tensor): Tensor {
  const y = g.node1('Relu', [x], x.dtype, x.shape);
  g.record('Relu', [x], [y]);
  return y;
}

export const reluRules: Record<string, GradRule> = {
  Relu: (g, op, [dy]) => {
    const y = op.outputs[0];
    const positive = g.node1('Greater', [y, g.scalar(0, y.dtype)], 'bool', y.shape);
    return [g.node1('Where', [positive, dy!, g.scalar(0, y.dtype)], y.dtype, y.shape)];
  },
};
