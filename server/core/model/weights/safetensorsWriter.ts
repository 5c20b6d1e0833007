// Writes a safetensors file (fp32 or fp16), the format Hugging Face loads, so models trained here
// open in transformers too.
import { writeFileSync } from 'node:fs';

function f32ToF16(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const mant = u & 0x7fffff;
  if (exp <= 0) {
    if (exp < -10) return sign;
    const m = (mant | 0x800000) >> (1 - exp);
    return sign | ((m + 0x1000) >> 13);
  }
  if (exp >= 31) return sign | 0x7c00 | (Number.isNaN(x) ? 0x200 : 0);
  const rounded = (exp << 10) | ((mant + 0x1000) >> 13);
  return sign | Math.min(rounded, 0x7bff + 1);
}

export function encodeSafetensors(tensors: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>, dtype: 'F32' | 'F16' = 'F32', metadata: Record<string, string> = {}): Buffer {
  const width = dtype === 'F32' ? 4 : 2;
  const header: Record<string, unknown> = { __metadata__: { format: 'pt', ...metadata } };
  let offset = 0;
  const names = [...tensors.keys()].sort();
  for (const name of names) {
    const t = tensors.get(name)!;
    const bytes = t.data.length * width;
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // align the data to 8 bytes
  const buf = Buffer.alloc(8 + json.length + offset);
  buf.writeBigUInt64LE(BigInt(json.length), 0);
  buf.write(json, 8, 'utf8');
  let pos = 8 + json.length;
  for (const name of names) {
    const { data } = tensors.get(name)!;
    for (let i = 0; i < data.length; i++, pos += width) {
      if (dtype === 'F32') buf.writeFloatLE(data[i], pos);
      else buf.writeUInt16LE(f32ToF16(data[i]), pos);
    }
  }
  return buf;
}

export function writeSafetensors(file: string, tensors: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>, dtype: 'F32' | 'F16' = 'F32', metadata?: Record<string, string>): void {
  writeFileSync(file, encodeSafetensors(tensors, dtype, metadata));
}
