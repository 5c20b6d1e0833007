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

/** Rows added into a table by one Gather's gradient: updates [...idx, ...rest] at index [...idx, 1]. */
export interface RowPart {
  index: Tensor;
  updates: Tensor;
}

// Gradients that are "zeros with these rows added", by tensor object. A table read by several
// Gathers (PBFT's tied embedding: the input lookup and the verbalizer rows of the LM head) would
// otherwise get one dense zero-filled table per read plus their sum: three 154 MB buffers on
// OPT-125m. Knowing the rows also lets a gradients graph output them instead of the dense table
// (stepGraphs.ts), for the host to apply without ever materializing it.
const rowScatters = new WeakMap<Tensor, readonly RowPart[]>();

/** The rows a gradient is made of, when it is zeros with rows added (and nothing else). */
export function rowScatterOf(grad: Tensor): readonly RowPart[] | undefined {
  return rowScatters.get(grad);
}

/** Records that `grad` equals zeros with `parts` added (autodiff's merged scatters). */
export function markRowScatter(grad: Tensor, parts: readonly RowPart[]): void {
  rowScatters.set(grad, parts);
}

/** base with `part.updates` added at the rows `part.index`: ScatterND reduction=add. */
export function scatterAddRows(g: GraphBuilder, base: Tensor, part: RowPart): Tensor {
  return g.node1('ScatterND', [base, part.index, part.updates], base.dtype, base.shape, {
    reduction: { kind: 'string', value: 'add' },
  });
}

export const gatherRules: Record<string, GradRule> = {
  Gather: (g, op, [dy], needs) => {
    const [data, indices] = op.inputs as Tensor[];
    if (!needs[0]) return [undefined, undefined];
    const index = g.node1('Unsqueeze', [indices, g.int64s([indices.shape.length])], indices.dtype, [...indices.shape, 1]);
    const part = { index, updates: dy! };
    const grad = scatterAddRows(g, zerosOf(g, data.dtype, data.shape), part);
    markRowScatter(grad, [part]);
    return [grad, undefined];
  },
};
