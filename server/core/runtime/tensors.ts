// Moving data between JS typed arrays and onnxruntime tensors. Reading a tensor that lives in GPU
// memory with getData() aborts the Node process, so reads here refuse anything not on the CPU.
import * as ort from 'onnxruntime-node';
import type { DType, TypedData } from '../graph/onnxModel';

export type { DType, TypedData } from '../graph/onnxModel';

const ORT_TYPE: Record<DType, ort.Tensor.Type> = {
  float32: 'float32',
  float64: 'float64',
  int64: 'int64',
  int32: 'int32',
  bool: 'bool',
  uint8: 'uint8',
};

export function toOrt(dtype: DType, data: TypedData, shape: readonly number[]): ort.Tensor {
  return new ort.Tensor(ORT_TYPE[dtype], data as never, shape);
}

export function float32Tensor(data: Float32Array | readonly number[], shape: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', data instanceof Float32Array ? data : Float32Array.from(data), shape);
}

export function int64Tensor(data: BigInt64Array | readonly number[], shape: readonly number[]): ort.Tensor {
  return new ort.Tensor('int64', data instanceof BigInt64Array ? data : BigInt64Array.from(data, (v) => BigInt(v)), shape);
}

export function onCpu(t: ort.Tensor): boolean {
  return t.location === 'cpu' || t.location === 'cpu-pinned';
}

/** The data of a CPU tensor; throws (instead of aborting the process) for a GPU-resident one. */
export function cpuData(t: ort.Tensor): TypedData {
  if (!onCpu(t)) throw new Error(`tensor is in ${t.location} memory; read it back through a CPU-output session`);
  return t.data as TypedData;
}

/** A CPU tensor's data as float numbers (float32/float64 only). */
export function floatData(t: ort.Tensor): Float32Array | Float64Array {
  const d = cpuData(t);
  if (!(d instanceof Float32Array || d instanceof Float64Array)) throw new Error(`expected a float tensor, got ${t.type}`);
  return d;
}

/** Releases GPU memory held by a tensor that is no longer needed (a no-op for CPU tensors). */
export function release(t: ort.Tensor | undefined): void {
  if (t && !onCpu(t)) t.dispose();
}
