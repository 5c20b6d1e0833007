// LayerNormalization over the last axis. In float32 the forward node also outputs its mean and
// inverse standard deviation for the backward; ORT's CPU kernel has no float64 variant with those
// outputs, so in float64 the backward recomputes them (same formula, a few more nodes).
//
//   xhat = (x - mean) · invstd,  y = xhat · w + b
//   dx = invstd · (gx - mean(gx) - xhat · mean(gx · xhat)),  gx = dy · w
//   dw = Σ_rows dy · xhat,  db = Σ_rows dy
import type { GraphBuilder, Tensor } from '../builder';
import type { GradRule } from '../gradRule';
import { add, div, mul, sub } from './arithmetic';
import { sumToShape } from './broadcast';
import { sqrt } from './pointwise';
import { reduceMean } from './reduce';

export function layerNorm(g: GraphBuilder, x: Tensor, weight: Tensor, bias: Tensor, epsilon = 1e-5): Tensor {
  const rank = x.shape.length;
  const statShape = x.shape.map((d, i) => (i === rank - 1 ? 1 : d));
  const attrs = { axis: { kind: 'int' as const, value: -1 }, epsilon: { kind: 'float' as const, value: epsilon } };
  if (x.dtype === 'float32') {
    const [y, mean, invStd] = g.node(
      'LayerNormalization',
      [x, weight, bias],
      [
        { dtype: x.dtype, shape: x.shape },
        { dtype: 'float32', shape: statShape },
        { dtype: 'float32', shape: statShape },
      ],
      attrs,
    );
    g.record('LayerNormalization', [x, weight, bias], [y], { epsilon, mean, invStd });
    return y;
  }
  const y = g.node1('LayerNormalization', [x, weight, bias], x.dtype, x.shape, attrs);
  g.record('LayerNormalization', [x, weight, bias], [y], { epsilon });
  return y;
}

export const layerNormRules: Record<string, GradRule> = {
  LayerNormalization: (g, op, [dy], needs) => {
    const [x, w, b] = op.inputs as Tensor[];
    const last = x.shape.length - 1;
    let { mean, invStd } = op.attrs as { mean?: Tensor; invStd?: Tensor };
    if (!mean || !invStd) {
      mean = reduceMean(g, x, [last]);
      const centered = sub(g, x, mean);
      const variance = reduceMean(g, mul(g, centered, centered), [last]);
      const eps = g.scalar(op.attrs.epsilon as number, x.dtype);
      invStd = div(g, g.scalar(1, x.dtype), sqrt(g, add(g, variance, eps)));
    }
    const xhat = mul(g, sub(g, x, mean), invStd);
    let dx: Tensor | undefined;
    if (needs[0]) {
      const gx = mul(g, dy!, w);
      const meanGx = reduceMean(g, gx, [last]);
      const meanGxXhat = reduceMean(g, mul(g, gx, xhat), [last]);
      dx = mul(g, invStd, sub(g, sub(g, gx, meanGx), mul(g, xhat, meanGxXhat)));
    }
    return [
      dx,
      needs[1] ? sumToShape(g, mul(g, dy!, xhat), w.shape) : undefined,
      needs[2] ? sumToShape(g, dy!, b.shape) : undefined,
    ];
  },
};
