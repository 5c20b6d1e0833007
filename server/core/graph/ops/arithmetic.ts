// Add, Sub, Mul, Div (numpy broadcasting) and Neg. Each operand's gradient is summed back over
// the axes it was broadcast along.
import { GraphError, type GraphBuilder, type Tensor } from '../builder';
import type { GradRule } from '../gradRule';
import { broadcastShapes, sumToShape } from './broadcast';

function binary(g: GraphBuilder, op: 'Add' | 'Sub' | 'Mul' | 'Div', a: Tensor, b: Tensor): Tensor {
  if (a.dtype !== b.dtype) throw new GraphError(`${op}: dtypes differ (${a.dtype} vs ${b.dtype})`);
  const y = g.node1(op, [a, b], a.dtype, broadcastShapes(a.shape, b.shape));
  g.record(op, [a, b], [y]);
  return y;
}

export const add = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => binary(g, 'Add', a, b);
export const sub = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => binary(g, 'Sub', a, b);
export const mul = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => binary(g, 'Mul', a, b);
export const div = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => binary(g, 'Div', a, b);

/** x * c for a constant c (a shared scalar initializer). */
export const scale = (g: GraphBuilder, x: Tensor, c: number): Tensor => mul(g, x, g.scalar(c, x.dtype));

export function neg(g: GraphBuilder, x: Tensor): Tensor {
  const y = g.node1('Neg', [x], x.dtype, x.shape);
  g.record('Neg', [x], [y]);
  return y;
}

const addRule: GradRule = (g, op, [dy], needs) => {
  const [a, b] = op.inputs as Tensor[];
  return [needs[0] ? sumToShape(g, dy!, a.shape) : undefined, needs[1] ? sumToShape(g, dy!, b.shape) : undefined];
};

const subRule: GradRule = (g, op, [dy], needs) => {
  const [a, b] = op.inputs as Tensor[];
  return [needs[0] ? sumToShape(g, dy!, a.shape) : undefined, needs[1] ? sumToShape(g, neg(g, dy!), b.shape) : undefined];
};

const mulRule: GradRule = (g, op, [dy], needs) => {
  const [a, b] = op.inputs as Tensor[];
  return [
    needs[0] ? sumToShape(g, mul(g, dy!, b), a.shape) : undefined,
    needs[1] ? sumToShape(g, mul(g, dy!, a), b.shape) : undefined,
  ];
};

// y = a / b:  da = dy / b,  db = -dy * y / b
const divRule: GradRule = (g, op, [dy], needs) => {
  const [a, b] = op.inputs as Tensor[];
  const y = op.outputs[0];
  return [
    needs[0] ? sumToShape(g, div(g, dy!, b), a.shape) : undefined,
    needs[1] ? sumToShape(g, neg(g, div(g, mul(g, dy!, y), b)), b.shape) : undefined,
  ];
};

const negRule: GradRule = (g, _op, [dy]) => [neg(g, dy!)];

export const arithmeticRules: Record<string, GradRule> = {
  Add: addRule,
  Sub: subRule,
  Mul: mulRule,
  Div: divRule,
  Neg: negRule,
};
