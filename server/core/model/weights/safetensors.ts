// safetensors reader: 8-byte little-endian header length, a JSON header naming each tensor's
// dtype, shape and byte range, then the raw little-endian data. Two ways in:
// - readSafetensorsFloat32: for checkpoints. Reads the file one tensor at a time through a file
//   descriptor, so only the fp32 result is held (plus one tensor's raw bytes while it is widened).
// - readSafetensors / parseSafetensors: for small files such as the reference goldens; floats come
//   back as fp32, integer tensors keep their own type.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { DTYPE_BYTES, isDtype, widenInto, type Dtype } from './dtypes';
import { WeightFileError, numelOf, type WeightTensor } from './tensor';

export { WeightFileError } from './tensor';

export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

export interface NamedTensor {
  dtype: string;
  shape: number[];
  data: TensorData;
}

interface HeaderEntry {
  dtype: Dtype;
  shape: number[];
  begin: number; // byte offsets relative to the start of the data section
  end: number;
}

// A header is a few hundred bytes per tensor; anything near this is a corrupt length field.
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

function checkedHeaderLength(lengthField: bigint, fileBytes: number, file: string): number {
  const headerLen = Number(lengthField);
  if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || 8 + headerLen > fileBytes) {
    throw new WeightFileError(file, `corrupt or truncated header (claims ${lengthField} bytes, file has ${fileBytes})`);
  }
  return headerLen;
}

/** Parses and checks the JSON header; `dataBytes` is the size of the data section that follows it. */
function parseHeader(json: Uint8Array, dataBytes: number, file: string): Map<string, HeaderEntry> {
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8'));
  } catch (e) {
    throw new WeightFileError(file, `header is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new WeightFileError(file, 'header is not a JSON object');
  }
  const entries = new Map<string, HeaderEntry>();
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof info !== 'object' || info === null) throw new WeightFileError(file, 'header entry is not an object', name);
    const dtype = String(info.dtype);
    if (!isDtype(dtype)) throw new WeightFileError(file, `unsupported dtype ${dtype}`, name);
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new WeightFileError(file, `invalid shape ${JSON.stringify(shape)}`, name);
    }
    const offsets = info.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      throw new WeightFileError(file, `invalid data_offsets ${JSON.stringify(offsets)}`, name);
    }
    const [begin, end] = offsets as [number, number];
    const expected = numelOf(shape) * DTYPE_BYTES[dtype];
    if (end - begin !== expected) {
      throw new WeightFileError(file, `byte range ${end - begin} does not match shape [${shape}] of ${dtype}`, name);
    }
    if (end > dataBytes) {
      throw new WeightFileError(file, `truncated: data ends at byte ${8 + json.byteLength + end}, file has ${8 + json.byteLength + dataBytes}`, name);
    }
    entries.set(name, { dtype, shape: shape as number[], begin, end });
  }
  return entries;
}

/** Decodes `count` little-endian values of `dtype`: floats widen to fp32, integers keep their type. */
export function decodeTensor(dtype: string, bytes: Uint8Array, count: number): TensorData {
  if (!isDtype(dtype)) throw new Error(`unsupported dtype ${dtype}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    }
    case 'I64': {
      const out = new BigInt64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getBigInt64(i * 8, true);
      return out;
    }
    case 'I32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    }
    case 'U8':
    case 'BOOL':
      return bytes.slice(0, count);
    default: {
      const out = new Float32Array(count);
      widenInto(dtype, bytes, count, out);
      return out;
    }
  }
}

/** Reads every tensor of a .safetensors file into memory at once. Errors name the file and the tensor. */
export function readSafetensors(file: string): Map<string, NamedTensor> {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new WeightFileError(file, `cannot read: ${(e as Error).message}`);
  }
  return parseSafetensors(buf, file);
}

export function parseSafetensors(buf: Uint8Array, file: string): Map<string, NamedTensor> {
  if (buf.byteLength < 8) throw new WeightFileError(file, `truncated: ${buf.byteLength} bytes, no header`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = checkedHeaderLength(view.getBigUint64(0, true), buf.byteLength, file);
  const dataStart = 8 + headerLen;
  const header = parseHeader(buf.subarray(8, dataStart), buf.byteLength - dataStart, file);
  const out = new Map<string, NamedTensor>();
  for (const [name, info] of header) {
    const bytes = buf.subarray(dataStart + info.begin, dataStart + info.end);
    out.set(name, { dtype: info.dtype, shape: info.shape, data: decodeTensor(info.dtype, bytes, numelOf(info.shape)) });
  }
  return out;
}

function readExactly(fd: number, into: Uint8Array, position: number, file: string, tensor?: string): void {
  let done = 0;
  while (done < into.byteLength) {
    const n = readSync(fd, into, done, into.byteLength - done, position + done);
    if (n === 0) throw new WeightFileError(file, `truncated: unexpected end of file at byte ${position + done}`, tensor);
    done += n;
  }
}

/**
 * Reads a .safetensors checkpoint as fp32 tensors, one tensor at a time (fp32 data is read straight
 * into its final array; other types go through one tensor's worth of raw bytes).
 */
export function readSafetensorsFloat32(file: string): Map<string, WeightTensor> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new WeightFileError(file, `cannot read: ${(e as Error).message}`);
  }
  try {
    const fileBytes = fstatSync(fd).size;
    if (fileBytes < 8) throw new WeightFileError(file, `truncated: ${fileBytes} bytes, no header`);
    const lengthField = new Uint8Array(8);
    readExactly(fd, lengthField, 0, file);
    const headerLen = checkedHeaderLength(new DataView(lengthField.buffer).getBigUint64(0, true), fileBytes, file);
    const json = new Uint8Array(headerLen);
    readExactly(fd, json, 8, file);
    const dataStart = 8 + headerLen;
    const header = parseHeader(json, fileBytes - dataStart, file);
    const out = new Map<string, WeightTensor>();
    for (const [name, info] of header) {
      const count = numelOf(info.shape);
      const data = new Float32Array(count);
      if (info.dtype === 'F32') {
        readExactly(fd, new Uint8Array(data.buffer), dataStart + info.begin, file, name);
        if (!isLittleEndianHost) widenInPlaceFromLittleEndian(data);
      } else {
        const raw = new Uint8Array(info.end - info.begin);
        readExactly(fd, raw, dataStart + info.begin, file, name);
        widenInto(info.dtype, raw, count, data);
      }
      out.set(name, { shape: info.shape, data });
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

const isLittleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function widenInPlaceFromLittleEndian(data: Float32Array): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(i * 4, true);
}
