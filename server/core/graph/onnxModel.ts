// Encodes a graph description into ONNX ModelProto bytes (field numbers from onnx.proto, IR 8).
// Only what our graphs use: tensor-typed inputs/outputs with static shapes, initializers as
// raw_data, and the scalar/list/tensor attribute kinds.
import { ProtoWriter } from './protoWriter';

export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool' | 'uint8';

/** TensorProto.DataType values. */
export const ONNX_DTYPE: Record<DType, number> = {
  float32: 1,
  uint8: 2,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
};

export type TypedData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;

export interface TensorInit {
  name: string;
  dtype: DType;
  dims: readonly number[];
  data: TypedData;
}

export type AttrValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'string'; value: string }
  | { kind: 'tensor'; value: TensorInit };

export interface NodeDef {
  opType: string;
  inputs: readonly string[]; // '' marks an omitted optional input
  outputs: readonly string[];
  name: string;
  attrs: Readonly<Record<string, AttrValue>>;
  domain?: string;
}

export interface ValueDef {
  name: string;
  dtype: DType;
  shape: readonly number[];
}

export interface ModelDef {
  name: string;
  nodes: readonly NodeDef[];
  inputs: readonly ValueDef[];
  outputs: readonly ValueDef[];
  initializers: readonly TensorInit[];
  opset: number;
}

export const IR_VERSION = 8;

// AttributeProto.AttributeType values.
const ATTR_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

function encodeTensor(t: TensorInit): ProtoWriter {
  const w = new ProtoWriter();
  w.packedInts(1, t.dims);
  w.int(2, ONNX_DTYPE[t.dtype]);
  w.string(8, t.name);
  // raw_data is little-endian, which is what typed arrays hold on every platform Node runs on.
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return w;
}

function encodeAttr(name: string, a: AttrValue): ProtoWriter {
  const w = new ProtoWriter();
  w.string(1, name);
  switch (a.kind) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'tensor':
      w.message(5, encodeTensor(a.value));
      break;
    case 'floats':
      w.packedFloats(7, a.value);
      break;
    case 'ints':
      w.packedInts(8, a.value);
      break;
  }
  w.int(20, ATTR_TYPE[a.kind]);
  return w;
}

function encodeNode(n: NodeDef): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const [k, v] of Object.entries(n.attrs)) w.message(5, encodeAttr(k, v));
  if (n.domain) w.string(7, n.domain);
  return w;
}

function encodeValueInfo(v: ValueDef): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.shape) shape.message(1, new ProtoWriter().int(1, d));
  const tensorType = new ProtoWriter().int(1, ONNX_DTYPE[v.dtype]).message(2, shape);
  const type = new ProtoWriter().message(1, tensorType);
  return new ProtoWriter().string(1, v.name).message(2, type);
}

/** Serializes a model; the result can be passed straight to `InferenceSession.create`. */
export function encodeModel(m: ModelDef): Uint8Array {
  const graph = new ProtoWriter();
  for (const n of m.nodes) graph.message(1, encodeNode(n));
  graph.string(2, m.name);
  for (const t of m.initializers) graph.message(5, encodeTensor(t));
  for (const v of m.inputs) graph.message(11, encodeValueInfo(v));
  for (const v of m.outputs) graph.message(12, encodeValueInfo(v));

  const opset = new ProtoWriter().string(1, '').int(2, m.opset);
  const model = new ProtoWriter();
  model.int(1, IR_VERSION);
  model.string(2, 'fine-tune-lab');
  model.message(7, graph);
  model.message(8, opset);
  return model.finish();
}
