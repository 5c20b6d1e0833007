// Gather of rows (axis 0): embedding lookup, picking the last token of each sequence, picking
// vocabulary rows. The gradient scatters the output gradient back into a zero tensor of the
// table's shape with ScatterND reduction=add, so repeated indices accumulate.
import { GraphError, type GraphBuilder, type Tensor } from '../builder';
import type { GradRule } from '../gradRule';
import { zerosOf } from './broadcast';

/** data [R, ...rest] gathered by int64 indices [...idx] → [...idx, ...rest]. */
export function gatherRows(g: GraphBuilder, data: Tensor, indices: Tensor): Tensor {
  if (indices.dtype !== 'int64') {
    throw new GraphError(`gather: indices must be int64, got ${indices.dtype}`);
  }
  const y = g.node1('Gather', [data, indices], data.dtype, [...indices.shape, ...data.shape.slice(1)], {
    axis: { kind: 'int', value: 0 },
  });
  g.record('Gather', [data, indices], [y]);
  return y;
}

export const gatherRules: Record<string, GradRule> = {
  Gather: (g, op, [dy], needs) => {
    const [data, indices] = op.inputs as Tensor[];
    if (!needs[0]) return [undefined, undefined];
    const index = g.node1('Unsqueeze', [indices, g.int64s([indices.shape.length])], indices.dtype, [...indices.shape, 1]);
    const zeros = zerosOf(g, data.dtype, data.shape);
    const grad = g.node1('ScatterND', [zeros, index, dy!], data.dtype, data.shape, {
      reduction: { kind: 'string', value: 'add' },
    });
    return [grad, undefined];
  },
};
