// Where(cond, a, b): each branch receives the gradient where it was selected.
import { GraphError, type GraphBuilder, type Tensor } from '../builder';
import type { GradRule } from '../gradRule';
import { broadcastShapes, sumToShape } from './broadcast';

export function where(g: GraphBuilder, cond: Tensor, a: Tensor, b: Tensor): Tensor {
  if (cond.dtype !== 'bool') throw new GraphError(`where: condition must be bool, got ${cond.dtype}`);
  if (a.dtype !== b.dtype) throw new GraphError(`where: branch dtypes differ (${a.dtype} vs ${b.dtype})`);
  const shape = broadcastShapes(cond.shape, broadcastShapes(a.shape, b.shape));
  const y = g.node1('Where', [cond, a, b], a.dtype, shape);
  g.record('Where', [cond, a, b], [y]);
  return y;
}

export const whereRules: Record<string, GradRule> = {
  Where: (g, op, [dy], needs) => {
    const [cond, a, b] = op.inputs as Tensor[];
    const zero = g.scalar(0, dy!.dtype);
    return [
      undefined,
      needs[1] ? sumToShape(g, where(g, cond, dy!, zero), a.shape) : undefined,
      needs[2] ? sumToShape(g, where(g, cond, zero, dy!), b.shape) : undefined,
    ];
  },
};
