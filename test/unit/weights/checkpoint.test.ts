import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '../../../server/core/model/weights/checkpoint';
import { readSafetensors, WeightFileError } from '../../../server/core/model/weights/safetensors';
import { bf16Bytes, f32Bytes, safetensorsBytes, type RawTensor } from './fileBuilders';

const fixtures = join(__dirname, '../../fixtures');
const prenorm = join(fixtures, 'reference/tiny-opt-prenorm');
const checkpoints = join(fixtures, 'checkpoints');

// The reference weights, as the safetensors reader of the goldens sees them.
const reference = new Map(
  [...readSafetensors(join(prenorm, 'model.safetensors'))].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array }]),
);

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ftlab-weights-'));
}

/** Every reference tensor is present with its shape and values within `tol(x)` of the reference. */
function assertMatchesReference(tensors: Map<string, { shape: number[]; data: Float32Array }>, tol: (x: number) => number): void {
  assert.deepEqual([...tensors.keys()].sort(), [...reference.keys()].sort());
  for (const [name, ref] of reference) {
    const got = tensors.get(name)!;
    assert.deepEqual(got.shape, ref.shape, name);
    assert.ok(got.data instanceof Float32Array, name);
    for (let i = 0; i < ref.data.length; i++) {
      const err = Math.abs(got.data[i] - ref.data[i]);
      if (err > tol(ref.data[i])) assert.fail(`${name}[${i}]: ${got.data[i]} vs ${ref.data[i]}`);
    }
  }
}

const exact = () => 0;
// fp16 keeps 11 significant bits, bf16 8 (torch rounds to nearest); below 2^-14 fp16 is subnormal with a fixed step of 2^-24.
const halfTol = (x: number) => Math.abs(x) * 2 ** -11 + 2 ** -25;
const bf16Tol = (x: number) => Math.abs(x) * 2 ** -7; // covers truncation (our writer) and rounding (torch)

test('safetensors checkpoint: every tensor, fp32, names as in the file', () => {
  const ckpt = loadCheckpoint(prenorm);
  assert.equal(ckpt.format, 'safetensors');
  assert.deepEqual(ckpt.files, [join(prenorm, 'model.safetensors')]);
  assertMatchesReference(ckpt.tensors, exact);
});

test('pytorch_model.bin in the Hub layout (decoder.…, tied lm_head sharing a storage) loads to the same weights', () => {
  const ckpt = loadCheckpoint(join(checkpoints, 'opt-bin-fp32'));
  assert.equal(ckpt.format, 'pytorch');
  assert.ok(!ckpt.tensors.has('lm_head.weight'), 'the tied head is dropped');
  assertMatchesReference(ckpt.tensors, exact);
});

test('fp16 pytorch_model.bin of nn.Parameters widens to fp32', () => {
  assertMatchesReference(loadCheckpoint(join(checkpoints, 'opt-bin-fp16')).tensors, halfTol);
});

test('sharded bf16 pytorch_model.bin through pytorch_model.bin.index.json', () => {
  const dir = join(checkpoints, 'opt-bin-sharded');
  const ckpt = loadCheckpoint(dir);
  assert.equal(ckpt.files.length, 3);
  assert.ok(ckpt.files[0].endsWith('pytorch_model.bin.index.json'));
  assertMatchesReference(ckpt.tensors, bf16Tol);
});

function writeShardedSafetensors(dir: string, dtype: 'F32' | 'BF16'): void {
  const names = [...reference.keys()];
  const shards = [names.slice(0, 10), names.slice(10)];
  const weightMap: Record<string, string> = {};
  shards.forEach((shardNames, i) => {
    const file = `model-0000${i + 1}-of-00002.safetensors`;
    const tensors: Record<string, RawTensor> = {};
    for (const n of shardNames) {
      // The first shard uses the Hub's names (without `model.`): one checkpoint may mix both.
      const stored = i === 0 ? n.replace(/^model\./, '') : n;
      const ref = reference.get(n)!;
      tensors[stored] = { dtype, shape: ref.shape, bytes: dtype === 'F32' ? f32Bytes(ref.data) : bf16Bytes(ref.data) };
      weightMap[stored] = file;
    }
    writeFileSync(join(dir, file), safetensorsBytes(tensors));
  });
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
}

test('sharded safetensors through model.safetensors.index.json, fp32 and bf16', () => {
  for (const dtype of ['F32', 'BF16'] as const) {
    const dir = tempDir();
    try {
      writeShardedSafetensors(dir, dtype);
      const ckpt = loadCheckpoint(dir);
      assert.equal(ckpt.files.length, 3);
      assertMatchesReference(ckpt.tensors, dtype === 'F32' ? exact : bf16Tol);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('model.safetensors is preferred over pytorch_model.bin in the same folder', () => {
  const dir = tempDir();
  try {
    copyFileSync(join(prenorm, 'model.safetensors'), join(dir, 'model.safetensors'));
    copyFileSync(join(checkpoints, 'opt-bin-fp16/pytorch_model.bin'), join(dir, 'pytorch_model.bin'));
    const ckpt = loadCheckpoint(dir);
    assert.equal(ckpt.format, 'safetensors');
    assertMatchesReference(ckpt.tensors, exact);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an untied lm_head is kept', () => {
  const dir = tempDir();
  try {
    const emb = reference.get('model.decoder.embed_tokens.weight')!;
    const head = emb.data.map((v) => v + 1);
    writeFileSync(join(dir, 'model.safetensors'), safetensorsBytes({
      'model.decoder.embed_tokens.weight': { dtype: 'F32', shape: emb.shape, bytes: f32Bytes(emb.data) },
      'lm_head.weight': { dtype: 'F32', shape: emb.shape, bytes: f32Bytes(head) },
    }));
    assert.deepEqual([...loadCheckpoint(dir).tensors.keys()].sort(), ['lm_head.weight', 'model.decoder.embed_tokens.weight']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('validateAgainst names missing, unexpected and wrong-shape tensors', () => {
  const ckpt = loadCheckpoint(prenorm);
  const expected = new Map([...reference].map(([n, t]) => [n.replace(/^model\./, ''), t.shape] as [string, number[]]));
  assert.equal(ckpt.validateAgainst(expected).ok, true, 'names without model. are accepted');
  expected.delete('decoder.layers.1.fc2.bias');
  expected.set('decoder.layers.0.fc1.weight', [64, 128]);
  expected.set('decoder.project_in.weight', [64, 32]);
  const report = ckpt.validateAgainst(expected);
  assert.equal(report.ok, false);
  assert.deepEqual(report.missing, ['model.decoder.project_in.weight']);
  assert.deepEqual(report.unexpected, ['model.decoder.layers.1.fc2.bias']);
  assert.deepEqual(report.wrongShape, [{ name: 'model.decoder.layers.0.fc1.weight', expected: [64, 128], actual: [128, 64] }]);
  assert.match(report.message, /tensor model\.decoder\.layers\.0\.fc1\.weight has shape \[128,64\], the model expects \[64,128\]/);
});

test('bad folders: no weights, a missing shard, a shard without a listed tensor, a shard path escaping the folder', () => {
  const dir = tempDir();
  try {
    assert.throws(() => loadCheckpoint(dir), /no weights found: expected one of model\.safetensors/);

    writeShardedSafetensors(dir, 'F32');
    rmSync(join(dir, 'model-00002-of-00002.safetensors'));
    assert.throws(() => loadCheckpoint(dir), /model\.safetensors\.index\.json: shard model-00002-of-00002\.safetensors is missing/);

    writeShardedSafetensors(dir, 'F32');
    writeFileSync(join(dir, 'model-00002-of-00002.safetensors'), safetensorsBytes({
      'model.decoder.layers.1.fc1.bias': { dtype: 'F32', shape: [128], bytes: f32Bytes(new Float32Array(128)) },
    }));
    assert.throws(() => loadCheckpoint(dir), (e: unknown) => {
      assert.ok(e instanceof WeightFileError);
      assert.match(e.message, /model-00002-of-00002\.safetensors \(tensor model\.decoder\.[^)]+\): listed in the index but not in this shard/);
      return true;
    });

    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { a: '../elsewhere.safetensors' } }));
    assert.throws(() => loadCheckpoint(dir), /invalid shard file name "\.\.\/elsewhere\.safetensors"/);

    writeFileSync(join(dir, 'model.safetensors.index.json'), '{"weight_map": ');
    assert.throws(() => loadCheckpoint(dir), /model\.safetensors\.index\.json: cannot read the shard index/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a tensor stored under both its names is an error naming it', () => {
  const dir = tempDir();
  try {
    const t = { dtype: 'F32', shape: [2], bytes: f32Bytes([1, 2]) };
    writeFileSync(join(dir, 'model.safetensors'), safetensorsBytes({ 'decoder.x': t, 'model.decoder.x': t }));
    assert.throws(() => loadCheckpoint(dir), /tensor model\.decoder\.x appears twice/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt pytorch_model.bin in a model folder names the file', () => {
  const dir = tempDir();
  try {
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'm/pytorch_model.bin'), Buffer.from('PK\x03\x04 definitely not a whole zip'));
    assert.throws(() => loadCheckpoint(join(dir, 'm')), /m\/pytorch_model\.bin: not a zip archive or truncated/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
