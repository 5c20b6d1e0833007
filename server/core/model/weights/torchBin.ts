// PyTorch checkpoints (`pytorch_model.bin`): since torch 1.6, torch.save writes a zip holding
// `<name>/data.pkl` (the state dict, pickled) and `<name>/data/<key>` (one raw little-endian storage
// per key). The pickle refers to storages through persistent ids
// ('storage', <storage class>, key, location, numel) and rebuilds each tensor as a view
// (storage, offset, sizes, strides) of one of them. We unpickle with an allow-list of exactly those
// globals (see pickle.ts), then cut each view out of its storage, contiguous and widened to fp32.
import { closeSync, openSync, readSync } from 'node:fs';
import { readElement, widenInto, DTYPE_BYTES, type Dtype } from './dtypes';
import { unpickle, UnsafePickleError, PickleFormatError, type PickleCallable, type PickleTuple } from './pickle';
import { WeightFileError, numelOf, type WeightTensor } from './tensor';
import { ZipArchive } from './zip';

interface StorageRef {
  readonly kind: 'storage';
  readonly dtype: Dtype;
  readonly key: string;
  readonly numel: number;
}

interface TensorRef {
  readonly kind: 'tensor';
  readonly storage: StorageRef;
  readonly offset: number;
  readonly shape: number[];
  readonly stride: number[];
}

// torch.<X>Storage class names as they appear in persistent ids.
const STORAGE_DTYPES: Record<string, Dtype> = {
  FloatStorage: 'F32', HalfStorage: 'F16', BFloat16Storage: 'BF16', DoubleStorage: 'F64',
  LongStorage: 'I64', IntStorage: 'I32', ShortStorage: 'I16', CharStorage: 'I8', ByteStorage: 'U8', BoolStorage: 'BOOL',
};

class StorageClass implements PickleCallable {
  constructor(readonly qualifiedName: string, readonly dtype: Dtype) {}
  call(): never {
    throw new PickleFormatError(`${this.qualifiedName} is only expected inside a storage reference`);
  }
}

function callable(qualifiedName: string, call: (args: PickleTuple) => unknown): PickleCallable {
  return { qualifiedName, call };
}

function intList(value: unknown, what: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => Number.isSafeInteger(v) && v >= 0)) {
    throw new PickleFormatError(`${what} is not a tuple of non-negative integers`);
  }
  return value as number[];
}

function rebuildTensor(args: PickleTuple): TensorRef {
  const [storage, offset, shape, stride] = args;
  if (!storage || (storage as StorageRef).kind !== 'storage') throw new PickleFormatError('tensor without a storage');
  if (!Number.isSafeInteger(offset) || (offset as number) < 0) throw new PickleFormatError('tensor storage offset is not an integer');
  const sizes = intList(shape, 'tensor size');
  const strides = intList(stride, 'tensor stride');
  if (sizes.length !== strides.length) throw new PickleFormatError('tensor size and stride differ in length');
  return { kind: 'tensor', storage: storage as StorageRef, offset: offset as number, shape: sizes, stride: strides };
}

/** The only Python globals a state dict needs; anything else is refused by name. */
function resolveGlobal(module: string, name: string): PickleCallable {
  const qualified = `${module}.${name}`;
  if (module === 'collections' && name === 'OrderedDict') {
    return callable(qualified, () => new Map());
  }
  if (module === 'torch._utils' && (name === '_rebuild_tensor_v2' || name === '_rebuild_tensor')) {
    return callable(qualified, rebuildTensor);
  }
  if (module === 'torch._utils' && (name === '_rebuild_parameter' || name === '_rebuild_parameter_with_state')) {
    // A Parameter is its tensor plus requires_grad and hooks, which a weight loader has no use for.
    return callable(qualified, (args) => args[0]);
  }
  if (module === 'torch' && STORAGE_DTYPES[name]) {
    return new StorageClass(qualified, STORAGE_DTYPES[name]);
  }
  throw new UnsafePickleError(qualified,
    'a PyTorch weights file only needs collections.OrderedDict, torch._utils._rebuild_tensor_v2 / _rebuild_parameter ' +
    'and torch.*Storage; other globals can run arbitrary code when Python loads the file, so this checkpoint is rejected');
}

function persistentLoad(pid: unknown): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) {
    throw new PickleFormatError(`unexpected persistent id ${JSON.stringify(pid)}`);
  }
  const [, storageClass, key, , numel] = pid as [string, unknown, unknown, unknown, unknown];
  if (!(storageClass instanceof StorageClass)) throw new PickleFormatError('storage reference without a storage class');
  if (typeof key !== 'string' || !Number.isSafeInteger(numel)) throw new PickleFormatError('malformed storage reference');
  return { kind: 'storage', dtype: storageClass.dtype, key, numel: numel as number };
}

function build(target: unknown, _state: unknown): void {
  // nn.Module.state_dict() sets `_metadata` (per-module versions) on the OrderedDict; it carries no weights.
  if (!(target instanceof Map)) throw new PickleFormatError('BUILD on something other than a dict');
}

function isRowMajor(shape: number[], stride: number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** Copies a strided view of `bytes` (a whole storage of `dtype`) into a new contiguous fp32 array. */
function gatherView(t: TensorRef, bytes: Uint8Array): Float32Array {
  const count = numelOf(t.shape);
  const out = new Float32Array(count);
  const width = DTYPE_BYTES[t.storage.dtype];
  if (isRowMajor(t.shape, t.stride)) {
    widenInto(t.storage.dtype, bytes.subarray(t.offset * width), count, out);
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const index = new Array<number>(t.shape.length).fill(0);
  for (let i = 0; i < count; i++) {
    let at = t.offset;
    for (let d = 0; d < index.length; d++) at += index[d] * t.stride[d];
    out[i] = readElement(t.storage.dtype, view, at);
    for (let d = index.length - 1; d >= 0; d--) { // odometer over the row-major index
      if (++index[d] < t.shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function looksLikeLegacyPickle(file: string): boolean {
  try {
    const fd = openSync(file, 'r');
    const head = new Uint8Array(2);
    readSync(fd, head, 0, 2, 0);
    closeSync(fd);
    return head[0] === 0x80 && head[1] === 0x02;
  } catch {
    return false;
  }
}

/** Reads every tensor of a PyTorch zip checkpoint as fp32. Errors name the file and, where known, the tensor. */
export function readPytorchBin(file: string): Map<string, WeightTensor> {
  let zip: ZipArchive;
  try {
    zip = ZipArchive.open(file);
  } catch (e) {
    if (looksLikeLegacyPickle(file)) {
      throw new WeightFileError(file, 'legacy (pre-1.6, non-zip) PyTorch format is not supported; re-save it with a recent torch.save or convert it to safetensors');
    }
    throw e;
  }
  try {
    const pkl = [...zip.entries.keys()].find((n) => /^[^/]+\/data\.pkl$/.test(n));
    if (!pkl) throw new WeightFileError(file, 'not a PyTorch checkpoint: the zip has no <name>/data.pkl');
    const prefix = pkl.slice(0, -'data.pkl'.length);
    const byteorder = zip.entries.get(`${prefix}byteorder`);
    if (byteorder && Buffer.from(zip.read(byteorder)).toString('latin1').trim() === 'big') {
      throw new WeightFileError(file, 'big-endian PyTorch checkpoints are not supported');
    }

    let root: unknown;
    try {
      root = unpickle(zip.read(zip.entries.get(pkl)!), { resolveGlobal, persistentLoad, build });
    } catch (e) {
      if (e instanceof UnsafePickleError || e instanceof PickleFormatError) throw new WeightFileError(file, `${pkl}: ${e.message}`);
      throw e;
    }
    if (!(root instanceof Map)) throw new WeightFileError(file, 'the pickle does not hold a state dict (a dict of tensors)');

    // Tensors that share a storage (tied weights) read it once; it is dropped after its last user.
    // Identical views of one storage (lm_head = embed_tokens) share one Float32Array.
    const refs = [...root].filter((kv): kv is [string, TensorRef] => typeof kv[0] === 'string' && (kv[1] as TensorRef)?.kind === 'tensor');
    const usesLeft = new Map<string, number>();
    for (const [, t] of refs) usesLeft.set(t.storage.key, (usesLeft.get(t.storage.key) ?? 0) + 1);
    const storageBytes = new Map<string, Uint8Array>();
    const views = new Map<string, Float32Array>();

    const out = new Map<string, WeightTensor>();
    for (const [name, t] of refs) {
      const { dtype, key, numel } = t.storage;
      const entry = zip.entries.get(`${prefix}data/${key}`);
      if (!entry) throw new WeightFileError(file, `storage ${prefix}data/${key} is missing from the zip`, name);
      if (entry.size !== numel * DTYPE_BYTES[dtype]) {
        throw new WeightFileError(file, `storage ${key} holds ${entry.size} bytes, expected ${numel} × ${DTYPE_BYTES[dtype]} for ${dtype}`, name);
      }
      const count = numelOf(t.shape);
      const last = t.offset + t.shape.reduce((acc, size, d) => acc + (size - 1) * t.stride[d], 0);
      if (count > 0 && last >= numel) {
        throw new WeightFileError(file, `view [${t.shape}] at offset ${t.offset} reaches element ${last} of a storage of ${numel}`, name);
      }
      const remaining = usesLeft.get(key)! - 1;
      usesLeft.set(key, remaining);
      const viewKey = `${key}|${t.offset}|${t.shape}|${t.stride}`;
      let data = views.get(viewKey);
      if (!data) {
        const whole = dtype === 'F32' && LITTLE_ENDIAN_HOST && t.offset === 0 && count === numel && isRowMajor(t.shape, t.stride);
        if (whole && !storageBytes.has(key)) {
          // The common case: read the storage straight into the fp32 result, no intermediate copy;
          // other views of the same storage are then cut from that array's bytes.
          data = new Float32Array(count);
          zip.read(entry, new Uint8Array(data.buffer));
          storageBytes.set(key, new Uint8Array(data.buffer));
        } else {
          const bytes = storageBytes.get(key) ?? zip.read(entry);
          storageBytes.set(key, bytes);
          data = gatherView(t, bytes);
        }
      }
      if (remaining > 0) views.set(viewKey, data);
      else {
        storageBytes.delete(key);
        for (const k of views.keys()) if (k.startsWith(`${key}|`)) views.delete(k);
      }
      out.set(name, { shape: t.shape, data });
    }
    return out;
  } finally {
    zip.close();
  }
}
