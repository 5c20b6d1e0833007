// Session creation with provider selection. onnxruntime does not fall back when the first of
// several listed providers fails to start, so each candidate gets its own attempt; a provider that
// failed once in this process is not retried (a failed GPU probe can take seconds).
import * as ort from 'onnxruntime-node';
import { AUTO_ORDER, explainProviderFailure, type ProviderChoice, type ProviderName } from './providers';

export interface SessionOptions {
  provider?: ProviderChoice;
  /** Intra-op threads (CPU provider); default: onnxruntime's choice (all cores). */
  threads?: number;
  /**
   * Outputs to leave in GPU memory ('gpu-buffer') so the next run can take them as inputs without a
   * round trip. Only honoured on WebGPU; elsewhere outputs always come back to the CPU.
   */
  outputsOnDevice?: readonly string[];
  /** Refuse silent per-node CPU fallback inside a GPU session (an unsupported op then fails loudly). */
  strictDevice?: boolean;
  /**
   * onnxruntime's CPU memory arena (default on): faster allocation, but each session keeps its peak
   * activation memory between runs. Off trades some speed for memory when many sessions are cached.
   */
  cpuMemArena?: boolean;
}

export interface CompiledSession {
  session: ort.InferenceSession;
  /** The provider the session actually runs on (record it with results). */
  provider: ProviderName;
  /** One line per provider that was tried and could not start, with the reason. */
  fallbacks: string[];
  /** Whether `outputsOnDevice` took effect (WebGPU only). */
  outputsOnDevice: boolean;
}

export class ProviderUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderUnavailableError';
  }
}

const failedProviders = new Map<ProviderName, string>();

/** Forget remembered provider failures (for tests, or after the user installs a driver). */
export function resetProviderFailures(): void {
  failedProviders.clear();
}

function ortOptions(provider: ProviderName, opts: SessionOptions): ort.InferenceSession.SessionOptions {
  const o: ort.InferenceSession.SessionOptions = {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  };
  if (opts.cpuMemArena === false) o.enableCpuMemArena = false;
  if (opts.threads && opts.threads > 0) Object.assign(o, { intraOpNumThreads: opts.threads, interOpNumThreads: 1 });
  if (provider === 'webgpu' && opts.outputsOnDevice?.length) {
    o.preferredOutputLocation = Object.fromEntries(opts.outputsOnDevice.map((n) => [n, 'gpu-buffer' as const]));
  }
  if (provider !== 'cpu' && opts.strictDevice) o.extra = { session: { disable_cpu_ep_fallback: '1' } };
  return o;
}

/** Fallback order for a choice: the provider itself then the CPU, or every provider for `auto`. */
export function candidatesFor(choice: ProviderChoice): ProviderName[] {
  if (choice === 'auto') return [...AUTO_ORDER];
  return choice === 'cpu' ? ['cpu'] : [choice, 'cpu'];
}

export async function createSession(model: Uint8Array, opts: SessionOptions = {}): Promise<CompiledSession> {
  const choice = opts.provider ?? 'cpu';
  const fallbacks: string[] = [];
  for (const provider of candidatesFor(choice)) {
    const known = failedProviders.get(provider);
    if (known) {
      fallbacks.push(known);
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(model, ortOptions(provider, opts));
      if (fallbacks.length > 0 && choice !== 'auto') fallbacks.push(`using ${provider} instead of ${choice}`);
      return { session, provider, fallbacks, outputsOnDevice: provider === 'webgpu' && !!opts.outputsOnDevice?.length };
    } catch (e) {
      const reason = explainProviderFailure(provider, e);
      // A CPU failure is a problem with the graph itself, never a missing device: report it as is.
      if (provider === 'cpu') throw new Error(`onnxruntime could not load the graph: ${reason}`);
      if (isStartupFailure(e)) failedProviders.set(provider, reason);
      fallbacks.push(reason);
    }
  }
  throw new ProviderUnavailableError(`no execution provider could start:\n${fallbacks.join('\n')}`);
}

/** Whether an error means the provider itself cannot start here (as opposed to this graph failing on it). */
function isStartupFailure(e: unknown): boolean {
  const m = e instanceof Error ? e.message : String(e);
  return /adapter|Failed to load|shared library|backend not found|libvulkan|cannot open shared object/i.test(m);
}
