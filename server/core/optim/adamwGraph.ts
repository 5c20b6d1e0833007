// AdamW inside the training graph: parameters, gradients and moments in, updated ones out. The
// learning rate and the step count are graph inputs, so one compiled graph serves every step of a
// schedule; per-group lr multipliers and weight decays are constants. Same update as adamw.ts
// (torch's single-tensor AdamW), arranged so that every scalar factor is folded into one scalar
// node: each op here is a full pass over the parameter's memory, and the scalars are free.
//
//   m' = β1·m + ((1-β1)·s)·g            s = gradient scale (1/count of a summed loss)
//   v' = β2·v + ((1-β2)·s²)·g²
//   p' = p·(1 - lr·wd) - (lr / (1-β1^t)) · m' / (√v' / √(1-β2^t) + eps)
import type { GraphBuilder, Tensor } from '../graph/builder';
import type { AdamWHyper } from './adamw';
import type { ParamGroup } from './paramGroups';

export interface AdamWInputs {
  lr: Tensor; // [] scheduled learning rate
  step: Tensor; // [] 1-based step count
}

export interface AdamWUpdate {
  param: Tensor;
  m: Tensor;
  v: Tensor;
}

/** Emits AdamW updates into `g`; scalars shared by parameters are computed once. */
export class AdamWGraph {
  private readonly c1: Tensor;
  private readonly c2: Tensor;
  private readonly bc2Sqrt: Tensor;
  private readonly bc1: Tensor;
  private readonly perGroup = new Map<string, { stepSize: Tensor; decay?: Tensor }>();

  constructor(
    private readonly g: GraphBuilder,
    private readonly h: AdamWHyper,
    private readonly inputs: AdamWInputs,
    gradScale?: Tensor,
  ) {
    this.bc1 = this.scalarOp('Sub', this.c(1), this.pow(h.beta1));
    this.bc2Sqrt = g.node1('Sqrt', [this.scalarOp('Sub', this.c(1), this.pow(h.beta2))], 'float32', []);
    this.c1 = gradScale ? this.scalarOp('Mul', gradScale, this.c(1 - h.beta1)) : this.c(1 - h.beta1);
    this.c2 = gradScale ? this.scalarOp('Mul', this.scalarOp('Mul', gradScale, gradScale), this.c(1 - h.beta2)) : this.c(1 - h.beta2);
  }

  private c(x: number): Tensor {
    return this.g.scalar(x, 'float32');
  }

  private pow(base: number): Tensor {
    return this.g.node1('Pow', [this.c(base), this.inputs.step], 'float32', []);
  }

  private scalarOp(op: string, a: Tensor, b: Tensor): Tensor {
    return this.g.node1(op, [a, b], 'float32', []);
  }

  private group(group: ParamGroup): { stepSize: Tensor; decay?: Tensor } {
    const key = `${group.lrScale}/${group.weightDecay}`;
    let s = this.perGroup.get(key);
    if (!s) {
      const lr = group.lrScale === 1 ? this.inputs.lr : this.scalarOp('Mul', this.inputs.lr, this.c(group.lrScale));
      const stepSize = this.scalarOp('Div', lr, this.bc1);
      const decay = group.weightDecay === 0 ? undefined : this.scalarOp('Sub', this.c(1), this.scalarOp('Mul', lr, this.c(group.weightDecay)));
      s = { stepSize, decay };
      this.perGroup.set(key, s);
    }
    return s;
  }

  update(p: Tensor, grad: Tensor, m: Tensor, v: Tensor, group: ParamGroup): AdamWUpdate {
    const g = this.g;
    return g.untaped(() => {
      const s = p.shape;
      const op = (type: string, a: Tensor, b: Tensor): Tensor => g.node1(type, [a, b], 'float32', s);
      const { stepSize, decay } = this.group(group);
      const m2 = op('Add', op('Mul', m, this.c(this.h.beta1)), op('Mul', grad, this.c1));
      const v2 = op('Add', op('Mul', v, this.c(this.h.beta2)), op('Mul', op('Mul', grad, grad), this.c2));
      const denom = op('Add', op('Div', g.node1('Sqrt', [v2], 'float32', s), this.bc2Sqrt), this.c(this.h.eps));
      const param = decay ? op('Mul', p, decay) : p;
      const updated = op('Sub', param, op('Mul', op('Div', m2, denom), stepSize));
      return { param: updated, m: m2, v: v2 };
    });
  }
}
