// Parameters and AdamW moments between steps, as onnxruntime tensors: on the CPU, or in GPU memory
// when the step runs on WebGPU (the step's outputs are fed straight back in, never copied to the
// host). The state takes over the arrays it is created from: callers should drop their own map so
// only one fp32 copy of the weights stays in memory.
import type * as ort from 'onnxruntime-node';
import type { ParamValues } from '../model/optParams';
import type { DeviceTransfer } from './deviceTransfer';
import { floatData, float32Tensor, release } from './tensors';

export class TrainingState {
  /** Every parameter of the model (trainable and frozen). */
  readonly params = new Map<string, ort.Tensor>();
  readonly m = new Map<string, ort.Tensor>();
  readonly v = new Map<string, ort.Tensor>();
  /** Optimizer updates applied so far (torch's `step` of the last update). */
  step = 0;

  private constructor(readonly trainable: readonly string[]) {}

  static create(values: ParamValues, shapes: ReadonlyMap<string, readonly number[]>, trainable: readonly string[]): TrainingState {
    const state = new TrainingState([...trainable]);
    for (const [name, shape] of shapes) {
      const data = values.get(name);
      if (!data) throw new Error(`no value for parameter ${name}`);
      const n = shape.reduce((a, b) => a * b, 1);
      if (data.length !== n) throw new Error(`parameter ${name} has ${data.length} values, its shape [${shape}] needs ${n}`);
      state.params.set(name, float32Tensor(data, shape));
    }
    for (const name of trainable) {
      const p = state.params.get(name);
      if (!p) throw new Error(`trainable parameter ${name} is not part of the model`);
      state.m.set(name, float32Tensor(new Float32Array(p.size), p.dims));
      state.v.set(name, float32Tensor(new Float32Array(p.size), p.dims));
    }
    return state;
  }

  /** Moves everything into device memory once (a no-op on the CPU provider). */
  async moveTo(transfer: DeviceTransfer): Promise<void> {
    for (const map of [this.params, this.m, this.v]) {
      const moved = await transfer.upload(Object.fromEntries(map));
      for (const [n, t] of Object.entries(moved)) map.set(n, t);
    }
  }

  /** Replaces a tensor, freeing the device memory of the one it replaces. */
  replace(map: Map<string, ort.Tensor>, name: string, t: ort.Tensor): void {
    const old = map.get(name);
    if (old !== t) release(old);
    map.set(name, t);
  }

  /** Host copies of the parameters (all, or the named ones), e.g. to save or to merge LoRA. */
  async values(transfer: DeviceTransfer, names: readonly string[] = [...this.params.keys()]): Promise<ParamValues> {
    const host = await transfer.download(Object.fromEntries(names.map((n) => [n, this.params.get(n)!])));
    const out: ParamValues = new Map();
    for (const n of names) out.set(n, floatData(host[n]) as Float32Array);
    return out;
  }

  dispose(): void {
    for (const map of [this.params, this.m, this.v]) {
      for (const t of map.values()) release(t);
      map.clear();
    }
  }
}
