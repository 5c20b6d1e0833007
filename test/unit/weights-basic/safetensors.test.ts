import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readSafetensors, parseSafetensors, WeightFileError } from '../../../server/core/model/weights/safetensors';

const fixture = join(__dirname, '../../fixtures/reference/tiny-opt-prenorm/model.safetensors');

test('reads every tensor of the reference checkpoint with its shape', () => {
  const tensors = readSafetensors(fixture);
  const emb = tensors.get('model.decoder.embed_tokens.weight');
  assert.ok(emb, 'embedding present');
  assert.deepEqual(emb.shape, [512, 64]);
  assert.equal(emb.data.length, 512 * 64);
  assert.ok(emb.data instanceof Float32Array);
});

test('a truncated file names the file and the tensor it cut', () => {
  const full = require('node:fs').readFileSync(fixture) as Buffer;
  const cut = full.subarray(0, full.length - 100);
  assert.throws(() => parseSafetensors(cut, 'cut.safetensors'), (e: unknown) => {
    assert.ok(e instanceof WeightFileError);
    assert.match((e as Error).message, /cut\.safetensors \(tensor .+\): truncated/);
    return true;
  });
});

test('a header length beyond the file is reported as corrupt', () => {
  const bytes = new Uint8Array(16);
  new DataView(bytes.buffer).setBigUint64(0, 1000n, true);
  assert.throws(() => parseSafetensors(bytes, 'bad.safetensors'), /bad\.safetensors: corrupt or truncated header/);
});

test('bf16 and f16 widen to the same fp32 values', () => {
  // 1.5 in bf16 = 0x3FC0, in f16 = 0x3E00; -2 in bf16 = 0xC000, in f16 = 0xC000.
  const make = (dtype: string, words: number[]) => {
    const header = JSON.stringify({ t: { dtype, shape: [2], data_offsets: [0, 4] } });
    const buf = Buffer.alloc(8 + header.length + 4);
    buf.writeBigUInt64LE(BigInt(header.length), 0);
    buf.write(header, 8);
    words.forEach((w, i) => buf.writeUInt16LE(w, 8 + header.length + 2 * i));
    return parseSafetensors(buf, dtype).get('t')!.data;
  };
  assert.deepEqual(Array.from(make("BF16", [0x3fc0, 0xc000]) as Float32Array), [1.5, -2]);
  assert.deepEqual(Array.from(make("F16", [0x3e00, 0xc000]) as Float32Array), [1.5, -2]);
});
