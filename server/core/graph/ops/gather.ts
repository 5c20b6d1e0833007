// Gather of rows (axis 0): embedding lookup, picking the last token of each sequence, picking
// vocabulary rows. The gradient scatters the output gradient back into a zero tensor of the
// table's shape with ScatterND reduction=add, so repeated indices accumulate. When a table gets
// several gradient contributions, the autodiff scatters these rows into the others' sum instead of
// adding dense tables (see `rowScatterOf`).
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

/** Rows scattered by a Gather gradient, kept so the autodiff can add them into another buffer. */
export interface RowScatter {
  index: Tensor;
  updates: Tensor;
}

// Gradients that are "zeros with these rows added", by tensor object. A table read by several
// Gathers (PBFT's tied embedding: the input lookup and the verbalizer rows of the LM head) would
// otherwise get one dense zero-filled table per read plus their sum: three 154 MB buffers on OPT-125m.
const rowScatters = new WeakMap<Tensor, RowScatter>();

export function rowScatterOf(grad: Tensor): RowScatter | undefined {
  return rowScatters.get(grad);
}

/** base with `updates` added at the rows `index` ([..., 1] int64): ScatterND reduction=add. */
export function scatterAddRows(g: GraphBuilder, base: Tensor, rows: RowScatter): Tensor {
  return g.node1('ScatterND', [base, rows.index, rows.updates], base.dtype, base.shape, {
    reduction: { kind: 'string', value: 'add' },
  });
}

export const gatherRules: Record<string, GradRule> = {
  Gather: (g, op, [dy], needs) => {
    const [data, indices] = op.inputs as Tensor[];
    if (!needs[0]) return [undefined, undefined];
    const index = g.node1('Unsqueeze', [indices, g.int64s([indices.shape.length])], indices.dtype, [...indices.shape, 1]);
    const rows = { index, updates: dy! };
    const grad = scatterAddRows(g, zerosOf(g, data.dtype, data.shape), rows);
    rowScatters.set(grad, rows);
    return [grad, undefined];
  },
};
