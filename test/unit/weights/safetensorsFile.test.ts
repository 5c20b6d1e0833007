import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensorsFloat32 } from '../../../server/core/model/weights/safetensors';
import { f32Bytes, safetensorsBytes , scratchFolder, throwsNaming } from './fileBuilders';

const fixture = join(__dirname, '../../fixtures/reference/tiny-opt-prenorm/model.safetensors');
const { dir, write } = scratchFolder('ftlab-safetensors-');

test('every dtype widens to fp32 with its shape (F16, BF16, F64, I64, I32, I16, I8, U8, BOOL)', () => {
  const words = (values: number[], bytesPer: number, set: (v: DataView, i: number, x: number) => void) => {
    const b = new Uint8Array(values.length * bytesPer);
    const v = new DataView(b.buffer);
    values.forEach((x, i) => set(v, i * bytesPer, x));
    return b;
  };
  const file = write('dtypes.safetensors', safetensorsBytes({
    f16: { dtype: 'F16', shape: [2, 2], bytes: words([0x3e00, 0xc000, 0x0001, 0x7c00], 2, (v, o, x) => v.setUint16(o, x, true)) },
    bf16: { dtype: 'BF16', shape: [2], bytes: words([0x3fc0, 0xc000], 2, (v, o, x) => v.setUint16(o, x, true)) },
    f64: { dtype: 'F64', shape: [1], bytes: words([0.25], 8, (v, o, x) => v.setFloat64(o, x, true)) },
    i64: { dtype: 'I64', shape: [2], bytes: words([-3, 5], 8, (v, o, x) => v.setBigInt64(o, BigInt(x), true)) },
    i32: { dtype: 'I32', shape: [1], bytes: words([-7], 4, (v, o, x) => v.setInt32(o, x, true)) },
    i16: { dtype: 'I16', shape: [1], bytes: words([-300], 2, (v, o, x) => v.setInt16(o, x, true)) },
    i8: { dtype: 'I8', shape: [1], bytes: new Uint8Array([0xff]) },
    u8: { dtype: 'U8', shape: [1], bytes: new Uint8Array([200]) },
    bool: { dtype: 'BOOL', shape: [2], bytes: new Uint8Array([1, 0]) },
    scalar: { dtype: 'F32', shape: [], bytes: f32Bytes([4.5]) },
    empty: { dtype: 'F32', shape: [0, 3], bytes: new Uint8Array(0) },
  }));
  const t = readSafetensorsFloat32(file);
  const values = (n: string) => Array.from(t.get(n)!.data);
  assert.deepEqual(values('f16'), [1.5, -2, 2 ** -24, Infinity]);
  assert.deepEqual(t.get('f16')!.shape, [2, 2]);
  assert.deepEqual(values('bf16'), [1.5, -2]);
  assert.deepEqual(values('f64'), [0.25]);
  assert.deepEqual(values('i64'), [-3, 5]);
  assert.deepEqual(values('i32'), [-7]);
  assert.deepEqual(values('i16'), [-300]);
  assert.deepEqual(values('i8'), [-1]);
  assert.deepEqual(values('u8'), [200]);
  assert.deepEqual(values('bool'), [1, 0]);
  assert.deepEqual(t.get('scalar'), { shape: [], data: Float32Array.from([4.5]) });
  assert.deepEqual(t.get('empty')!.shape, [0, 3]);
  assert.ok(!t.has('__metadata__'));
});

test('a missing file is named', () => {
  throwsNaming(() => readSafetensorsFloat32(join(dir, 'nope.safetensors')), /nope\.safetensors: cannot read: ENOENT/);
});

test('a truncated checkpoint names the file and the first tensor it cuts', () => {
  const full = readFileSync(fixture);
  const file = write('cut.safetensors', full.subarray(0, full.length - 100));
  throwsNaming(() => readSafetensorsFloat32(file), /cut\.safetensors \(tensor model\.decoder\.[\w.]+\): truncated/);
  throwsNaming(() => readSafetensorsFloat32(write('tiny.safetensors', full.subarray(0, 5))), /tiny\.safetensors: truncated: 5 bytes, no header/);
  throwsNaming(() => readSafetensorsFloat32(write('header-cut.safetensors', full.subarray(0, 200))), /header-cut\.safetensors: corrupt or truncated header/);
});

test('header problems: invalid JSON, not an object, unknown dtype, bad shape, range not matching the shape', () => {
  const t = { x: { dtype: 'F32', shape: [2], bytes: f32Bytes([1, 2]) } };
  throwsNaming(() => readSafetensorsFloat32(write('json.safetensors', safetensorsBytes(t, '{"x": {"dtype": '))), /json\.safetensors: header is not valid JSON/);
  throwsNaming(() => readSafetensorsFloat32(write('array.safetensors', safetensorsBytes(t, '[1, 2]'))), /header is not a JSON object/);
  throwsNaming(() => readSafetensorsFloat32(write('dtype.safetensors', safetensorsBytes({ x: { ...t.x, dtype: 'F8_E4M3' } }))), /dtype\.safetensors \(tensor x\): unsupported dtype F8_E4M3/);
  throwsNaming(
    () => readSafetensorsFloat32(write('shape.safetensors', safetensorsBytes(t, '{"x": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}'))),
    /shape\.safetensors \(tensor x\): invalid shape \[-2\]/,
  );
  throwsNaming(
    () => readSafetensorsFloat32(write('range.safetensors', safetensorsBytes(t, '{"x": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}'))),
    /range\.safetensors \(tensor x\): byte range 8 does not match shape \[3\] of F32/,
  );
});

test('the streaming reader and the in-memory reader agree on the reference checkpoint', async () => {
  const { readSafetensors } = await import('../../../server/core/model/weights/safetensors');
  const a = readSafetensorsFloat32(fixture);
  const b = readSafetensors(fixture);
  assert.equal(a.size, b.size);
  for (const [name, t] of b) assert.deepEqual(a.get(name)!.data, t.data, name);
});
