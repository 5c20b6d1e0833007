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
  /** Trainable parameters whose array the state allocated itself (safe to overwrite). */
  private readonly owned = new Set<string>();
  /** Parameters handed out by `writable` (changed in place by later steps). */
  private readonly inPlace = new Set<string>();

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

  /**
   * The host arrays of a trainable parameter and its moments, for an in-place update (CPU only).
   * The parameter's array is replaced by a copy the first time, so the caller's array stays intact.
   */
  writable(name: string): { param: Float32Array; m: Float32Array; v: Float32Array } {
    let p = this.params.get(name);
    const m = this.m.get(name);
    const v = this.v.get(name);
    if (!p || !m || !v) throw new Error(`${name} is not a trainable parameter of this state`);
    if (!this.owned.has(name)) {
      p = float32Tensor(Float32Array.from(floatData(p)), p.dims);
      this.params.set(name, p);
      this.owned.add(name);
    }
    this.inPlace.add(name);
    return { param: floatData(p) as Float32Array, m: floatData(m) as Float32Array, v: floatData(v) as Float32Array };
  }

  /**
   * Takes back a trainable parameter's host arrays after an update elsewhere (a worker thread moves
   * the buffers away and returns new views of the same memory; the old views are detached).
   */
  adopt(name: string, arrays: { p: Float32Array; m: Float32Array; v: Float32Array }): void {
    const rewrap = (map: Map<string, ort.Tensor>, data: Float32Array): void => {
      const t = map.get(name)!;
      if (t.data !== data) map.set(name, float32Tensor(data, t.dims));
    };
    rewrap(this.params, arrays.p);
    rewrap(this.m, arrays.m);
    rewrap(this.v, arrays.v);
  }

  /** Replaces a tensor, freeing the device memory of the one it replaces. */
  replace(map: Map<string, ort.Tensor>, name: string, t: ort.Tensor): void {
    const old = map.get(name);
    if (old !== t) release(old);
    map.set(name, t);
    if (map === this.params) {
      this.owned.add(name);
      this.inPlace.delete(name);
    }
  }

  /**
   * Host copies of the parameters (all, or the named ones), e.g. to save or to merge LoRA. Arrays the
   * state updates in place are copied, so later steps do not change what this returned.
   */
  async values(transfer: DeviceTransfer, names: readonly string[] = [...this.params.keys()]): Promise<ParamValues> {
    const host = await transfer.download(Object.fromEntries(names.map((n) => [n, this.params.get(n)!])));
    const out: ParamValues = new Map();
    for (const n of names) {
      const data = floatData(host[n]) as Float32Array;
      out.set(n, this.inPlace.has(n) && host[n] === this.params.get(n) ? Float32Array.from(data) : data);
    }
    return out;
  }

  dispose(): void {
    for (const map of [this.params, this.m, this.v]) {
      for (const t of map.values()) release(t);
      map.clear();
    }
  }
}
