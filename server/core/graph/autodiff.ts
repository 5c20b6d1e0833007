// Reverse-mode differentiation over the builder's tape.
//
// 1. Forward sweep: a tensor "needs a gradient" if it is one of `wrt`, or a float output of a taped
//    op with an input that needs one. Frozen parameters are simply not in `wrt`, so nothing below
//    them (and nothing that only they feed) gets backward work.
// 2. Backward sweep in reverse tape order: an op whose outputs received gradient and that has an
//    input needing one calls its family's rule; contributions to a tensor are summed with Add, and
//    Gather gradients (rows added into zeros) are scattered into that sum instead.
import { GraphError, isFloat, type GraphBuilder, type Tensor } from './builder';
import { add } from './ops/arithmetic';
import { zerosOf } from './ops/broadcast';
import { markRowScatter, rowScatterOf, scatterAddRows } from './ops/gather';
import { GRAD_RULES } from './registry';

export interface GradientOptions {
  /** Gradient of the loss w.r.t. itself; defaults to 1 for a scalar loss. */
  seed?: Tensor;
  /** For each `wrt` tensor the loss does not depend on: false (default) returns zeros, true throws. */
  requireConnected?: boolean;
}

/** Emits the backward graph and returns d loss / d t for each t of `wrt`, in order. */
export function gradients(g: GraphBuilder, loss: Tensor, wrt: readonly Tensor[], opts: GradientOptions = {}): Tensor[] {
  const needs = new Set(wrt.map((t) => t.name));
  for (const op of g.tape) {
    if (op.inputs.some((i) => i && needs.has(i.name))) {
      for (const o of op.outputs) if (isFloat(o.dtype)) needs.add(o.name);
    }
  }
  if (!needs.has(loss.name)) {
    if (opts.requireConnected) throw new GraphError(`the loss ${loss.name} does not depend on any requested tensor`);
    return g.untaped(() => wrt.map((t) => zerosOf(g, t.dtype, t.shape)));
  }

  const pending = new Map<string, Tensor[]>();
  const contribute = (t: Tensor, grad: Tensor): void => {
    const list = pending.get(t.name);
    if (list) list.push(grad);
    else pending.set(t.name, [grad]);
  };
  const total = (name: string): Tensor | undefined => {
    const list = pending.get(name);
    if (!list || list.length === 0) return undefined;
    // Row scatters (Gather gradients) are added into the running sum in place of adding a dense
    // zero-filled table each; their own ScatterND into zeros is then dead and pruned from the model.
    if (list.length === 1) return list[0];
    const dense = list.filter((t) => !rowScatterOf(t));
    const parts = list.flatMap((t) => rowScatterOf(t) ?? []);
    let acc: Tensor;
    if (dense.length > 0) {
      // Pairwise adds: the WebGPU provider has no variadic Sum.
      acc = dense[0];
      for (let i = 1; i < dense.length; i++) acc = add(g, acc, dense[i]);
      for (const part of parts) acc = scatterAddRows(g, acc, part);
    } else {
      // Only scatters: chain them from the first one's zeros; the sum is still "zeros plus rows".
      acc = list[0];
      for (const part of parts.slice(rowScatterOf(list[0])!.length)) acc = scatterAddRows(g, acc, part);
      markRowScatter(acc, parts);
    }
    pending.set(name, [acc]);
    return acc;
  };

  return g.untaped(() => {
    if (opts.seed) contribute(loss, opts.seed);
    else if (loss.shape.length === 0) contribute(loss, g.scalar(1, loss.dtype));
    else throw new GraphError(`loss ${loss.name} is not a scalar; pass a seed gradient`);

    for (let k = g.tape.length - 1; k >= 0; k--) {
      const op = g.tape[k];
      const inputNeeds = op.inputs.map((i) => !!i && needs.has(i.name));
      if (!inputNeeds.some(Boolean)) continue;
      const dOut = op.outputs.map((o) => total(o.name));
      if (dOut.every((d) => d === undefined)) continue;
      const rule = GRAD_RULES[op.family];
      if (!rule) throw new GraphError(`no gradient rule for op family ${op.family}`);
      const dIn = rule(g, op, dOut, inputNeeds);
      op.inputs.forEach((input, i) => {
        const d = dIn[i];
        if (!input || !inputNeeds[i]) return;
        if (!d) throw new GraphError(`gradient rule ${op.family} returned no gradient for input ${i} (${input.name})`);
        contribute(input, d);
      });
    }

    return wrt.map((t) => {
      const d = total(t.name);
      if (d) return d;
      if (opts.requireConnected) throw new GraphError(`the loss does not depend on ${t.name}`);
      return zerosOf(g, t.dtype, t.shape);
    });
  });
}
