// Central finite-difference check of the autodiff, shared by the per-family tests.
// The op's output is projected onto fixed random weights (loss = Σ out · R) so every output
// element contributes with a different weight; the analytic gradient of that loss comes from our
// backward graph, the numeric one from re-running the forward graph at x ± h·e_i.
import * as ort from 'onnxruntime-node';
import { GraphBuilder, isFloat, numel, type DType, type Tensor } from '../../../server/core/graph/builder';
import { gradients } from '../../../server/core/graph/autodiff';
import { mul } from '../../../server/core/graph/ops/arithmetic';
import { reduceSum } from '../../../server/core/graph/ops/reduce';
import { Rng } from '../../../server/core/model/random';
import { toOrt, type TypedData } from '../../../server/core/runtime/tensors';

export interface FdInput {
  name: string;
  dtype: DType;
  shape: number[];
  /** Explicit values; default: uniform in [-1, 1) (or (0.5, 1.5) with `positive`). */
  values?: number[];
  positive?: boolean;
}

export interface FdCase {
  dtype: 'float32' | 'float64';
  inputs: FdInput[];
  /** Names of the float inputs whose gradient is checked. */
  wrt: string[];
  build(g: GraphBuilder, t: Record<string, Tensor>): Tensor;
  seed?: number;
}

export interface FdResult {
  /** max |analytic - numeric| / max(1, max |numeric|) over all checked elements. */
  maxError: number;
  checked: number;
}

function makeData(dtype: DType, values: number[]): TypedData {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int64':
      return BigInt64Array.from(values, (v) => BigInt(v));
    case 'int32':
      return Int32Array.from(values);
    default:
      return Uint8Array.from(values);
  }
}

function build(c: FdCase, withGrads: boolean): { model: Uint8Array; gradNames: string[] } {
  const g = new GraphBuilder('fd');
  const rng = new Rng(c.seed ?? 7);
  const t: Record<string, Tensor> = {};
  for (const i of c.inputs) t[i.name] = g.input(i.name, i.dtype, i.shape);
  const out = c.build(g, t);
  const projection = Array.from({ length: numel(out.shape) }, () => rng.uniform(-1, 1));
  const weights = g.constant(out.dtype, out.shape, projection, 'projection');
  const all = out.shape.map((_, i) => i);
  const loss = out.shape.length ? reduceSum(g, mul(g, out, weights), all, false) : mul(g, out, weights);
  g.output(loss, 'loss');
  const gradNames: string[] = [];
  if (withGrads) {
    const grads = gradients(g, loss, c.wrt.map((n) => t[n]), { requireConnected: true });
    grads.forEach((d, k) => gradNames.push(g.output(d, `grad_${c.wrt[k]}`).name));
  }
  return { model: g.toModel(), gradNames };
}

export async function fdCheck(c: FdCase): Promise<FdResult> {
  const rng = new Rng(c.seed ?? 11);
  const values = new Map<string, number[]>();
  for (const i of c.inputs) {
    const n = numel(i.shape);
    values.set(i.name, i.values ?? Array.from({ length: n }, () => (i.positive ? rng.uniform(0.5, 1.5) : rng.uniform(-1, 1))));
  }
  const feeds = (override?: { name: string; index: number; delta: number }): Record<string, ort.Tensor> => {
    const f: Record<string, ort.Tensor> = {};
    for (const i of c.inputs) {
      const v = [...values.get(i.name)!];
      if (override && override.name === i.name) v[override.index] += override.delta;
      f[i.name] = toOrt(i.dtype, makeData(i.dtype, v), i.shape);
    }
    return f;
  };

  const withGrads = build(c, true);
  const gradSession = await ort.InferenceSession.create(withGrads.model);
  const forward = await ort.InferenceSession.create(build(c, false).model);
  const analytic = await gradSession.run(feeds());
  const lossAt = async (name: string, index: number, delta: number): Promise<number> =>
    Number((await forward.run(feeds({ name, index, delta }))).loss.data[0]);

  const h = c.dtype === 'float64' ? 1e-6 : 1e-2;
  let maxError = 0;
  let checked = 0;
  for (const name of c.wrt) {
    const spec = c.inputs.find((i) => i.name === name)!;
    if (!isFloat(spec.dtype)) throw new Error(`cannot differentiate integer input ${name}`);
    const grad = analytic[`grad_${name}`].data as Float32Array | Float64Array;
    const numeric: number[] = [];
    for (let k = 0; k < grad.length; k++) numeric.push(((await lossAt(name, k, h)) - (await lossAt(name, k, -h))) / (2 * h));
    const scale = Math.max(1, ...numeric.map(Math.abs));
    for (let k = 0; k < grad.length; k++) maxError = Math.max(maxError, Math.abs(grad[k] - numeric[k]) / scale);
    checked += grad.length;
  }
  await gradSession.release();
  await forward.release();
  return { maxError, checked };
}

/** Collects the worst error per family so the suite can print one summary table. */
export const fdReport = new Map<string, number>();

export function note(family: string, r: FdResult): void {
  fdReport.set(family, Math.max(fdReport.get(family) ?? 0, r.maxError));
  console.log(`FD ${family}: max error ${r.maxError.toExponential(2)} over ${r.checked} elements`);
}
