// Cross-entropy of logits against integer labels with an ignore index (PyTorch's -100), as one
// taped op with a fused gradient. Returns the *sum* over the counted rows and, separately, how
// many rows counted: callers divide by a normalizer of their choosing (the count of this batch,
// or of the whole logical batch when it is split into micro-batches).
//
//   nll_i = logsumexp(z_i) - z_i[label_i]          z [N, V], label [N]
//   sum   = Σ_i w_i · nll_i,   w_i = [label_i ≠ ignore] · weight_i
//   dz_i  = dsum · w_i · (softmax(z_i) - onehot(label_i))
import { GraphError, type GraphBuilder, type Tensor } from '../builder';
import type { GradRule } from '../gradRule';

export interface CrossEntropyOptions {
  ignoreIndex?: number;
  /** Per-row weights [N] (not differentiated). */
  weights?: Tensor;
}

export interface CrossEntropyResult {
  /** Σ over counted rows of the (weighted) negative log-likelihood, a scalar. */
  sum: Tensor;
  /** Number of rows whose label is not the ignore index, a scalar of the logits' dtype. */
  count: Tensor;
}

export function crossEntropy(g: GraphBuilder, logits: Tensor, labels: Tensor, opts: CrossEntropyOptions = {}): CrossEntropyResult {
  const { ignoreIndex = -100, weights } = opts;
  if (logits.shape.length !== 2 || labels.shape.length !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new GraphError(`crossEntropy: logits [N,V] and labels [N] expected, got [${logits.shape}] and [${labels.shape}]`);
  }
  if (labels.dtype !== 'int64') throw new GraphError(`crossEntropy: labels must be int64, got ${labels.dtype}`);
  const [n, v] = logits.shape;
  const f = logits.dtype;
  const saved = g.untaped(() => {
    const ignored = g.node1('Equal', [labels, g.scalar(ignoreIndex, 'int64')], 'bool', [n]);
    const counted = g.node1('Where', [ignored, g.scalar(0, f), g.scalar(1, f)], f, [n]);
    const rowWeight = weights ? g.node1('Mul', [counted, weights], f, [n]) : counted;
    const safeLabels = g.node1('Where', [ignored, g.scalar(0, 'int64'), labels], 'int64', [n]);
    const labelCol = g.node1('Unsqueeze', [safeLabels, g.int64s([1])], 'int64', [n, 1]);
    const max = g.node1('ReduceMax', [logits], f, [n, 1], { axes: { kind: 'ints', value: [1] }, keepdims: { kind: 'int', value: 1 } });
    const shifted = g.node1('Sub', [logits, max], f, [n, v]);
    const sumExp = g.node1('ReduceSum', [g.node1('Exp', [shifted], f, [n, v]), g.int64s([1])], f, [n, 1], {
      keepdims: { kind: 'int', value: 1 },
    });
    const lse = g.node1('Log', [sumExp], f, [n, 1]);
    const picked = g.node1('GatherElements', [shifted, labelCol], f, [n, 1], { axis: { kind: 'int', value: 1 } });
    const nll = g.node1('Reshape', [g.node1('Sub', [lse, picked], f, [n, 1]), g.int64s([n])], f, [n]);
    const sum = g.node1('ReduceSum', [g.node1('Mul', [nll, rowWeight], f, [n]), g.int64s([0])], f, [], {
      keepdims: { kind: 'int', value: 0 },
    });
    const count = g.node1('ReduceSum', [counted, g.int64s([0])], f, [], { keepdims: { kind: 'int', value: 0 } });
    return { sum, count, shifted, lse, rowWeight, labelCol };
  });
  g.record('CrossEntropy', [logits, labels, weights], [saved.sum], saved);
  return { sum: saved.sum, count: saved.count };
}

export const crossEntropyRules: Record<string, GradRule> = {
  CrossEntropy: (g, op, [dsum], needs) => {
    if (!needs[0]) return [undefined, undefined, undefined];
    const [logits] = op.inputs as Tensor[];
    const { shifted, lse, rowWeight, labelCol } = op.attrs as Record<string, Tensor>;
    const [n, v] = logits.shape;
    const f = logits.dtype;
    // scale_i = dsum · w_i, as a column [N, 1]
    const scaleCol = g.node1('Reshape', [g.node1('Mul', [rowWeight, dsum!], f, [n]), g.int64s([n, 1])], f, [n, 1]);
    const probs = g.node1('Exp', [g.node1('Sub', [shifted, lse], f, [n, v])], f, [n, v]);
    const scaled = g.node1('Mul', [probs, scaleCol], f, [n, v]);
    // subtract scale_i at each row's label: ScatterElements with reduction=add (no OneHot on WebGPU)
    const minus = g.node1('Neg', [scaleCol], f, [n, 1]);
    const dz = g.node1('ScatterElements', [scaled, labelCol, minus], f, [n, v], {
      axis: { kind: 'int', value: 1 },
      reduction: { kind: 'string', value: 'add' },
    });
    return [dz, undefined, undefined];
  },
};
