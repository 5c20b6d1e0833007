import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPytorchBin } from '../../../server/core/model/weights/torchBin';
import { ZipArchive } from '../../../server/core/model/weights/zip';
import { zipBytes , scratchFolder, throwsNaming } from './fileBuilders';

const checkpoints = join(__dirname, '../../fixtures/checkpoints');
const viewsFile = join(checkpoints, 'views.bin');
const expected: Record<string, { shape: number[]; values: number[] }> = JSON.parse(
  readFileSync(join(checkpoints, 'views.expected.json'), 'utf8'),
);
const { dir, write } = scratchFolder('ftlab-torchbin-');

function assertViews(tensors: Map<string, { shape: number[]; data: Float32Array }>): void {
  assert.deepEqual([...tensors.keys()], Object.keys(expected));
  for (const [name, want] of Object.entries(expected)) {
    assert.deepEqual(tensors.get(name)!.shape, want.shape, name);
    assert.deepEqual(Array.from(tensors.get(name)!.data), want.values, name);
  }
}

test('torch.save views: storage offsets, transposed strides, a strided column, a scalar, int64', () => {
  assertViews(readPytorchBin(viewsFile));
});

/** The entries of a real torch.save zip, re-packed by our own writer (optionally deflated). */
function repack(file: string, change: (name: string, data: Uint8Array) => Uint8Array | null, deflate = false): Uint8Array {
  const zip = ZipArchive.open(file);
  try {
    const entries = [];
    for (const entry of zip.entries.values()) {
      const data = change(entry.name, zip.read(entry));
      if (data) entries.push({ name: entry.name, data, deflate });
    }
    return zipBytes(entries);
  } finally {
    zip.close();
  }
}

test('deflated zip entries inflate to the same tensors', () => {
  assertViews(readPytorchBin(write('deflated.bin', repack(viewsFile, (_, d) => d, true))));
});

test('a checkpoint that would run os.system under Python is refused, naming the global and the file', () => {
  throwsNaming(() => readPytorchBin(join(checkpoints, 'malicious.bin')), /malicious\.bin: malicious\/data\.pkl: refusing to load the Python global 'posix\.system'/);
});

test('a global smuggled into an otherwise valid state dict is refused', () => {
  // Replace collections.OrderedDict by builtins.eval in data.pkl (same length keeps the pickle valid).
  const swap = (name: string, data: Uint8Array) => {
    if (!name.endsWith('data.pkl')) return data;
    const text = Buffer.from(data).toString('latin1').replace('collections\nOrderedDict\n', 'builtins\neval\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n');
    return Buffer.from(text, 'latin1');
  };
  const bytes = Buffer.from(repack(viewsFile, swap));
  throwsNaming(() => readPytorchBin(write('eval.bin', bytes)), /refusing to load the Python global 'builtins\.eval'/);
});

test('corrupt and truncated zips give clear errors naming the file', () => {
  const good = readFileSync(viewsFile);
  throwsNaming(() => readPytorchBin(write('cut.bin', good.subarray(0, good.length - 30))), /cut\.bin: not a zip archive or truncated/);
  throwsNaming(() => readPytorchBin(write('empty.bin', new Uint8Array(0))), /empty\.bin: not a zip archive/);
  throwsNaming(() => readPytorchBin(join(dir, 'absent.bin')), /absent\.bin: cannot read: ENOENT/);

  // Flip one byte inside a storage: the CRC check catches it.
  const flipped = Buffer.from(good);
  const zip = ZipArchive.open(viewsFile);
  const storage = zip.entries.get('views/data/0')!;
  zip.close();
  const at = flipped.indexOf(Buffer.from(new Float32Array([5, 6]).buffer), storage.localHeaderOffset);
  flipped[at] ^= 0xff;
  throwsNaming(() => readPytorchBin(write('flipped.bin', flipped)), /flipped\.bin: corrupt zip: CRC mismatch in entry views\/data\/0/);

  // Central directory pointing past the end of the file: in a plain end record (our writer) and in
  // the ZIP64 record that torch.save always writes.
  const plain = Buffer.from(repack(viewsFile, (_, d) => d));
  plain.writeUInt32LE(plain.length + 1000, plain.length - 22 + 16);
  throwsNaming(() => readPytorchBin(write('lying.bin', plain)), /lying\.bin: truncated or corrupt zip: central directory/);
  const zip64 = Buffer.from(good);
  const zip64Record = Number(zip64.readBigUInt64LE(zip64.length - 22 - 20 + 8));
  zip64.writeBigUInt64LE(BigInt(good.length + 1000), zip64Record + 48);
  throwsNaming(() => readPytorchBin(write('lying64.bin', zip64)), /lying64\.bin: truncated or corrupt zip: central directory/);
});

test('a missing storage and a storage too small for its tensor name the tensor', () => {
  const withoutStorage = repack(viewsFile, (name, d) => (name === 'views/data/1' ? null : d));
  throwsNaming(() => readPytorchBin(write('nostorage.bin', withoutStorage)), /nostorage\.bin \(tensor scalar\): storage views\/data\/1 is missing/);
  const shortStorage = repack(viewsFile, (name, d) => (name === 'views/data/0' ? d.subarray(0, 40) : d));
  throwsNaming(() => readPytorchBin(write('short.bin', shortStorage)), /short\.bin \(tensor base\): storage 0 holds 40 bytes, expected 24 × 4 for F32/);
});

test('a zip without data.pkl and the legacy non-zip format are told apart', () => {
  throwsNaming(() => readPytorchBin(write('nopkl.bin', zipBytes([{ name: 'x/other', data: new Uint8Array(3) }]))), /no <name>\/data\.pkl/);
  throwsNaming(() => readPytorchBin(write('legacy.bin', Buffer.from([0x80, 0x02, 0x8a, 0x0a]))), /legacy \(pre-1\.6, non-zip\) PyTorch format is not supported/);
});
