// The graphs a training run compiles, per (model spec, objective, batch shape):
// - 'fused': forward, loss, backward and AdamW in one graph (the step on a GPU-resident state);
// - 'grads': forward, loss and the gradients of the summed loss (the CPU step, whose AdamW runs in
//   place on the host; parity tests; custom loops); a table read only by Gathers gets its gradient
//   as the batch's rows (`sparseGrads`) rather than dense;
// - 'accumulate': like 'grads' but adds the gradients into running sums fed back in
//   (micro-batches), followed by the separate 'update' graph (AdamW on the sums / total count);
// - 'readout': forward only, dropout off, named outputs (evaluation).
// Parameters are graph inputs, never initializers, so they can be fed from (and kept on) a device.
import { GraphBuilder, numel, type Tensor } from '../graph/builder';
import { gradients } from '../graph/autodiff';
import { rowScatterOf, type RowPart } from '../graph/ops/gather';
import type { ValueDef } from '../graph/onnxModel';
import type { RandomMaskInput } from '../model/optGraph';
import { modelParameterShapes, type OptModelSpec } from '../model/optSpec';
import type { AdamWHyper } from '../optim/adamw';
import { AdamWGraph, type AdamWInputs } from '../optim/adamwGraph';
import type { GroupAssignment } from '../optim/paramGroups';
import { buildModelView } from './modelView';
import type { Readout, TrainingObjective } from './objective';

export type StepVariant = 'fused' | 'grads' | 'accumulate';

/** Graph input/output names for training state. */
export const io = {
  m: (n: string): string => `adam_m/${n}`,
  v: (n: string): string => `adam_v/${n}`,
  grad: (n: string): string => `grad/${n}`,
  gradIndex: (n: string, part: number): string => `grad_index/${n}/${part}`,
  gradRows: (n: string, part: number): string => `grad_rows/${n}/${part}`,
  acc: (n: string): string => `acc/${n}`,
  accOut: (n: string): string => `acc_out/${n}`,
  updated: (n: string): string => `updated/${n}`,
  updatedM: (n: string): string => `updated_m/${n}`,
  updatedV: (n: string): string => `updated_v/${n}`,
  lr: 'optim.lr',
  step: 'optim.step',
  gradScale: 'optim.grad_scale',
  loss: 'loss',
  lossSum: 'loss_sum',
  lossCount: 'loss_count',
};

export interface StepGraph {
  model: Uint8Array;
  inputs: readonly ValueDef[];
  outputs: readonly ValueDef[];
  /** Dropout masks to draw and feed each step. */
  masks: RandomMaskInput[];
  /** Parameters the graph takes as inputs (trainable and frozen). */
  params: string[];
  /** Trainable parameters, in the order of their state inputs/outputs. */
  trainable: string[];
  /**
   * 'grads' graphs only: parameters whose gradient comes out as rows (the number of parts, each an
   * `io.gradIndex` / `io.gradRows` pair) instead of a dense `io.grad` tensor.
   */
  sparseGrads: Record<string, number>;
  /** Names of the objective's own extra outputs. */
  extraOutputs: string[];
  /** Node count per op type (diagnostics, and tests that check what was differentiated). */
  opCounts: Record<string, number>;
}

function finish(g: GraphBuilder, rest: Omit<StepGraph, 'model' | 'inputs' | 'outputs' | 'opCounts'>): StepGraph {
  const opCounts: Record<string, number> = {};
  for (const n of g.nodes) opCounts[n.opType] = (opCounts[n.opType] ?? 0) + 1;
  return { model: g.toModel(), inputs: [...g.inputs], outputs: [...g.outputs], opCounts, ...rest };
}

function optimizerInputs(g: GraphBuilder): AdamWInputs {
  return { lr: g.input(io.lr, 'float32', []), step: g.input(io.step, 'float32', []) };
}

export function trainableNames(spec: OptModelSpec, objective: Pick<TrainingObjective, 'trainable'>): string[] {
  const names = [...modelParameterShapes(spec).keys()].filter((n) => objective.trainable(n));
  if (names.length === 0) throw new Error('the objective trains no parameter');
  return names;
}

export function buildStepGraph(
  spec: OptModelSpec,
  objective: TrainingObjective,
  batch: number,
  seq: number,
  variant: StepVariant,
  hyper: AdamWHyper,
  groups: GroupAssignment,
  dropout = true,
): StepGraph {
  // dropout=false: a training graph with the model in eval mode (parity checks against eval-mode references)
  const view = buildModelView(`train_${variant}`, spec, batch, seq, dropout);
  const g = view.g;
  const { sum, count } = objective.loss(view);
  const extra = objective.outputs?.(view) ?? {};
  const trainable = trainableNames(spec, objective);
  const trainableTensors = trainable.map((n) => view.param(n));
  const grads = gradients(g, sum, trainableTensors);

  // An all-ignored batch has count 0 and sum 0: dividing by max(count, 1) keeps it finite.
  const safeCount = g.node1('Max', [count, g.scalar(1, count.dtype)], count.dtype, []);
  g.output(g.node1('Div', [sum, safeCount], sum.dtype, []), io.loss);
  g.output(sum, io.lossSum);
  g.output(count, io.lossCount);
  const extraOutputs = Object.entries(extra).map(([name, t]) => g.output(t, name).name);

  const sparseGrads: Record<string, number> = {};
  if (variant === 'grads') {
    trainable.forEach((n, i) => {
      const parts = rowScatterOf(grads[i]);
      if (parts && fewerRowsThanTable(parts, grads[i])) {
        // An embedding read by Gathers only: its gradient leaves as the rows the batch touched
        // (a few MB) instead of a dense table (154 MB on OPT-125m, copied again into JS). The
        // dense ScatterND is then unused and pruned; the host applies the rows (optim/sparseRows.ts).
        parts.forEach((part, k) => {
          g.output(part.index, io.gradIndex(n, k));
          g.output(part.updates, io.gradRows(n, k));
        });
        sparseGrads[n] = parts.length;
      } else g.output(grads[i], io.grad(n));
    });
  } else if (variant === 'accumulate') {
    trainable.forEach((n, i) => {
      const acc = g.input(io.acc(n), 'float32', grads[i].shape);
      g.output(g.node1('Add', [acc, grads[i]], 'float32', grads[i].shape), io.accOut(n));
    });
  } else {
    const gradScale = g.node1('Div', [g.scalar(1, 'float32'), safeCount], 'float32', []);
    const adamw = new AdamWGraph(g, hyper, optimizerInputs(g), gradScale);
    trainable.forEach((n, i) => {
      const p = trainableTensors[i];
      const m = g.input(io.m(n), 'float32', p.shape);
      const v = g.input(io.v(n), 'float32', p.shape);
      const u = adamw.update(p, grads[i], m, v, groups(n));
      g.output(u.param, io.updated(n));
      g.output(u.m, io.updatedM(n));
      g.output(u.v, io.updatedV(n));
    });
  }
  return finish(g, { masks: view.forward.masks, params: view.usedParams, trainable, extraOutputs, sparseGrads });
}

/** Whether the rows of a scattered gradient take less memory than the dense table. */
function fewerRowsThanTable(parts: readonly RowPart[], table: Tensor): boolean {
  const rows = parts.reduce((sum, p) => sum + numel(p.index.shape), 0);
  return rows < table.shape[0];
}

/** AdamW on accumulated gradients: grad_scale = 1 / (count over all micro-batches). */
export function buildUpdateGraph(
  shapes: ReadonlyMap<string, readonly number[]>,
  trainable: readonly string[],
  hyper: AdamWHyper,
  groups: GroupAssignment,
): StepGraph {
  const g = new GraphBuilder('adamw_update');
  const opt = optimizerInputs(g);
  const adamw = new AdamWGraph(g, hyper, opt, g.input(io.gradScale, 'float32', []));
  for (const n of trainable) {
    const shape = shapes.get(n)!;
    const p: Tensor = g.input(n, 'float32', shape);
    const grad = g.input(io.grad(n), 'float32', shape);
    const m = g.input(io.m(n), 'float32', shape);
    const v = g.input(io.v(n), 'float32', shape);
    const u = adamw.update(p, grad, m, v, groups(n));
    g.output(u.param, io.updated(n));
    g.output(u.m, io.updatedM(n));
    g.output(u.v, io.updatedV(n));
  }
  return finish(g, { masks: [], params: [...trainable], trainable: [...trainable], extraOutputs: [], sparseGrads: {} });
}

export function buildReadoutGraph(spec: OptModelSpec, readout: Readout, batch: number, seq: number): StepGraph {
  const view = buildModelView(`readout_${readout.key}`, spec, batch, seq, false);
  const outs = readout.outputs(view);
  const extraOutputs = Object.entries(outs).map(([name, t]) => view.g.output(t, name).name);
  return finish(view.g, { masks: [], params: view.usedParams, trainable: [], extraOutputs, sparseGrads: {} });
}
