// The gradients a 'grads' graph returns, summed over the micro-batches of one step: dense arrays
// for most parameters, and rows for the tables whose gradient the graph sends as rows
// (`StepGraph.sparseGrads`), which stay rows until the update (optim/sparseRows.ts).
import type * as ort from 'onnxruntime-node';
import { addInPlace, type HostGradient } from '../optim/adamwHost';
import { denseFromRows, sumRows, type GradientRows } from '../optim/sparseRows';
import type { DroppedBuffers } from './hostGarbage';
import { io, type StepGraph } from './stepGraphs';
import { cpuData, floatData } from './tensors';

export type { HostGradient } from '../optim/adamwHost';

export class HostGradients {
  private readonly dense = new Map<string, Float32Array>();
  private readonly rows = new Map<string, GradientRows[]>();

  constructor(
    private readonly graph: Pick<StepGraph, 'trainable' | 'sparseGrads'>,
    private readonly dropped: DroppedBuffers,
  ) {}

  /** Adds one micro-batch's outputs. The first one's dense buffers (fresh JS arrays) become the sums. */
  add(out: Record<string, ort.Tensor>): void {
    for (const n of this.graph.trainable) {
      const parts = this.graph.sparseGrads[n];
      if (parts !== undefined) {
        const list = this.rows.get(n) ?? [];
        for (let k = 0; k < parts; k++) {
          list.push({ index: cpuData(out[io.gradIndex(n, k)]) as BigInt64Array, rows: floatData(out[io.gradRows(n, k)]) as Float32Array });
        }
        this.rows.set(n, list);
        continue;
      }
      const g = floatData(out[io.grad(n)]) as Float32Array;
      const acc = this.dense.get(n);
      if (!acc) this.dense.set(n, g);
      else {
        addInPlace(acc, g);
        this.dropped.add(g.byteLength);
      }
    }
  }

  /** The summed gradient of one trainable parameter of shape `dims`. */
  get(name: string, dims: readonly number[]): HostGradient {
    const dense = this.dense.get(name);
    if (dense) return { kind: 'dense', values: dense };
    const parts = this.rows.get(name);
    if (!parts) throw new Error(`no gradient of ${name} was added`);
    const width = dims.slice(1).reduce((a, b) => a * b, 1);
    return { kind: 'rows', sums: sumRows(parts, dims[0], width) };
  }

  /** The summed gradient as one dense array. */
  denseOf(name: string, dims: readonly number[]): Float32Array {
    const g = this.get(name, dims);
    return g.kind === 'dense' ? g.values : denseFromRows(g.sums);
  }

  /** Forgets the sums: their arrays now belong to the update, which accounts for them. */
  clear(): void {
    this.dense.clear();
    this.rows.clear();
  }
}
