// Element types of checkpoint files and their decoding from little-endian bytes. Training runs in
// fp32, so every floating type (and, for uniformity, every integer buffer) can be widened to a
// Float32Array; fp16 goes through a 65,536-entry table so a billion-parameter checkpoint widens fast.

/** Safetensors' dtype names; the PyTorch reader maps its storage classes onto the same names. */
export type Dtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export const DTYPE_BYTES: Record<Dtype, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1,
};

export function isDtype(name: string): name is Dtype {
  return Object.prototype.hasOwnProperty.call(DTYPE_BYTES, name);
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let halfTable: Float32Array | undefined;

function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024); // subnormal
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function halfToFloat(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = f16ToF32(h);
  }
  return halfTable;
}

/**
 * Widens `count` little-endian elements of `dtype` starting at `bytes[0]` into `out[outOffset…]`.
 * `bytes` need not be aligned.
 */
export function widenInto(dtype: Dtype, bytes: Uint8Array, count: number, out: Float32Array, outOffset = 0): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32':
      if (LITTLE_ENDIAN_HOST) {
        // Byte copy: works whatever the alignment of `bytes`.
        new Uint8Array(out.buffer, out.byteOffset + outOffset * 4, count * 4).set(bytes.subarray(0, count * 4));
      } else {
        for (let i = 0; i < count; i++) out[outOffset + i] = view.getFloat32(i * 4, true);
      }
      return;
    case 'F16': {
      const table = halfToFloat();
      for (let i = 0; i < count; i++) out[outOffset + i] = table[view.getUint16(i * 2, true)];
      return;
    }
    case 'BF16': {
      // bf16 is the top half of an fp32: shift it back into place.
      const bits = new Uint32Array(1);
      const asFloat = new Float32Array(bits.buffer);
      for (let i = 0; i < count; i++) {
        bits[0] = view.getUint16(i * 2, true) << 16;
        out[outOffset + i] = asFloat[0];
      }
      return;
    }
    case 'F64':
      for (let i = 0; i < count; i++) out[outOffset + i] = view.getFloat64(i * 8, true);
      return;
    case 'I64':
      for (let i = 0; i < count; i++) out[outOffset + i] = Number(view.getBigInt64(i * 8, true));
      return;
    case 'I32':
      for (let i = 0; i < count; i++) out[outOffset + i] = view.getInt32(i * 4, true);
      return;
    case 'I16':
      for (let i = 0; i < count; i++) out[outOffset + i] = view.getInt16(i * 2, true);
      return;
    case 'I8':
      for (let i = 0; i < count; i++) out[outOffset + i] = view.getInt8(i);
      return;
    case 'U8':
    case 'BOOL':
      for (let i = 0; i < count; i++) out[outOffset + i] = bytes[i];
      return;
  }
}

/** Reads one element of `dtype` at element index `index` of `bytes`, as a JS number. */
export function readElement(dtype: Dtype, view: DataView, index: number): number {
  switch (dtype) {
    case 'F32': return view.getFloat32(index * 4, true);
    case 'F16': return halfToFloat()[view.getUint16(index * 2, true)];
    case 'BF16': {
      const bits = new Uint32Array([view.getUint16(index * 2, true) << 16]);
      return new Float32Array(bits.buffer)[0];
    }
    case 'F64': return view.getFloat64(index * 8, true);
    case 'I64': return Number(view.getBigInt64(index * 8, true));
    case 'I32': return view.getInt32(index * 4, true);
    case 'I16': return view.getInt16(index * 2, true);
    case 'I8': return view.getInt8(index);
    case 'U8':
    case 'BOOL': return view.getUint8(index);
  }
}
