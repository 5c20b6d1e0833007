// Elementwise math: Exp, Log, Sqrt, and Pow by a constant exponent.
import type { GraphBuilder, Tensor } from '../builder';
import type { GradRule } from '../gradRule';
import { div, mul, scale } from './arithmetic';

function unary(g: GraphBuilder, op: string, x: Tensor): Tensor {
  const y = g.node1(op, [x], x.dtype, x.shape);
  g.record(op, [x], [y]);
  return y;
}

export const exp = (g: GraphBuilder, x: Tensor): Tensor => unary(g, 'Exp', x);
export const log = (g: GraphBuilder, x: Tensor): Tensor => unary(g, 'Log', x);
export const sqrt = (g: GraphBuilder, x: Tensor): Tensor => unary(g, 'Sqrt', x);

/** x ** p for a constant exponent p. */
export function powConst(g: GraphBuilder, x: Tensor, p: number): Tensor {
  const y = g.node1('Pow', [x, g.scalar(p, x.dtype)], x.dtype, x.shape);
  g.record('PowConst', [x], [y], { p });
  return y;
}

export const pointwiseRules: Record<string, GradRule> = {
  // d exp(x) = exp(x) dx: reuse the forward output
  Exp: (g, op, [dy]) => [mul(g, dy!, op.outputs[0])],
  Log: (g, op, [dy]) => [div(g, dy!, op.inputs[0]!)],
  // d sqrt(x) = dx / (2 sqrt(x))
  Sqrt: (g, op, [dy]) => [div(g, scale(g, dy!, 0.5), op.outputs[0])],
  PowConst: (g, op, [dy]) => {
    const p = op.attrs.p as number;
    const x = op.inputs[0]!;
    return [mul(g, scale(g, dy!, p), powConst(g, x, p - 1))];
  },
};
