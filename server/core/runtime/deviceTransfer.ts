// Moving tensors between host and GPU memory with tiny Identity graphs. Uploading: a session whose
// outputs stay in 'gpu-buffer' memory. Reading back: a session on the same provider whose outputs
// land on the CPU (getData() on a GPU tensor aborts Node, so this is the only safe way).
// On the CPU provider both directions are no-ops.
import type * as ort from 'onnxruntime-node';
import { GraphBuilder, type DType } from '../graph/builder';
import type { ProviderName } from './providers';
import { createSession, type CompiledSession } from './session';
import { onCpu } from './tensors';

const ORT_TO_DTYPE: Record<string, DType> = {
  float32: 'float32',
  float64: 'float64',
  int64: 'int64',
  int32: 'int32',
  bool: 'bool',
  uint8: 'uint8',
};

function signature(tensors: Record<string, ort.Tensor>): string {
  return Object.entries(tensors)
    .map(([n, t]) => `${n}:${t.type}[${t.dims.join(',')}]`)
    .join('|');
}

function identityModel(tensors: Record<string, ort.Tensor>): Uint8Array {
  const g = new GraphBuilder('transfer');
  for (const [name, t] of Object.entries(tensors)) {
    const dtype = ORT_TO_DTYPE[t.type];
    if (!dtype) throw new Error(`cannot transfer a ${t.type} tensor`);
    const x = g.input(`in/${name}`, dtype, t.dims);
    g.output(g.node1('Identity', [x], dtype, t.dims), name);
  }
  return g.toModel();
}

export class DeviceTransfer {
  private readonly sessions = new Map<string, Promise<CompiledSession>>();

  constructor(readonly provider: ProviderName) {}

  /** Whether tensors can live on a device with this provider (WebGPU only, in onnxruntime-node). */
  get resident(): boolean {
    return this.provider === 'webgpu';
  }

  private session(tensors: Record<string, ort.Tensor>, toDevice: boolean): Promise<CompiledSession> {
    const key = `${toDevice ? 'up' : 'down'}|${signature(tensors)}`;
    let s = this.sessions.get(key);
    if (!s) {
      s = createSession(identityModel(tensors), {
        provider: this.provider,
        outputsOnDevice: toDevice ? Object.keys(tensors) : undefined,
      });
      this.sessions.set(key, s);
    }
    return s;
  }

  private async copy(tensors: Record<string, ort.Tensor>, toDevice: boolean): Promise<Record<string, ort.Tensor>> {
    if (Object.keys(tensors).length === 0) return {};
    const { session } = await this.session(tensors, toDevice);
    const feeds = Object.fromEntries(Object.entries(tensors).map(([n, t]) => [`in/${n}`, t]));
    return (await session.run(feeds)) as Record<string, ort.Tensor>;
  }

  /** Host tensors → device-resident tensors (unchanged where the provider keeps nothing on a device). */
  async upload(tensors: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
    if (!this.resident) return tensors;
    const onHost = Object.fromEntries(Object.entries(tensors).filter(([, t]) => onCpu(t)));
    return { ...tensors, ...(await this.copy(onHost, true)) };
  }

  /** Any tensors → host tensors whose data can be read. */
  async download(tensors: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
    const onDevice = Object.fromEntries(Object.entries(tensors).filter(([, t]) => !onCpu(t)));
    if (Object.keys(onDevice).length === 0) return tensors;
    return { ...tensors, ...(await this.copy(onDevice, false)) };
  }

  async release(): Promise<void> {
    for (const s of this.sessions.values()) await (await s).session.release();
    this.sessions.clear();
  }
}
