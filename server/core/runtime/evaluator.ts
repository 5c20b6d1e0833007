// Forward-only graphs for evaluation and prediction: dropout off, outputs on the CPU. Parameters
// come from a training state (possibly resident in GPU memory) or from plain arrays (e.g. LoRA
// merged into the base weights).
import type * as ort from 'onnxruntime-node';
import type { ParamValues } from '../model/optParams';
import { modelParameterShapes, specKey, type OptModelSpec } from '../model/optSpec';
import type { BatchFeeds } from './engine';
import type { Readout } from './objective';
import type { ProviderChoice, ProviderName } from './providers';
import { compileCached, type CompiledGraph } from './sessionCache';
import { buildReadoutGraph } from './stepGraphs';
import { float32Tensor } from './tensors';
import { TrainingState } from './trainingState';

export interface EvaluatorOptions {
  provider?: ProviderChoice;
  threads?: number;
}

export class Evaluator {
  private constructor(
    private readonly compiled: CompiledGraph,
    readonly provider: ProviderName,
    readonly fallbacks: string[],
  ) {}

  static async create(spec: OptModelSpec, readout: Readout, batch: number, seq: number, opts: EvaluatorOptions = {}): Promise<Evaluator> {
    const key = ['readout', specKey(spec), readout.key, batch, seq, opts.provider ?? 'cpu', opts.threads ?? 0].join('|');
    const compiled = await compileCached(key, () => buildReadoutGraph(spec, readout, batch, seq), { provider: opts.provider, threads: opts.threads });
    return new Evaluator(compiled, compiled.compiled.provider, compiled.compiled.fallbacks);
  }

  /** Parameters this readout reads (a merged-LoRA evaluation needs no adapter tensors). */
  get params(): readonly string[] {
    return this.compiled.graph.params;
  }

  async run(params: TrainingState | ReadonlyMap<string, ort.Tensor>, batch: BatchFeeds): Promise<Record<string, ort.Tensor>> {
    const source = params instanceof TrainingState ? params.params : params;
    const feeds: BatchFeeds = {};
    for (const input of this.compiled.graph.inputs) {
      const t = source.get(input.name) ?? batch[input.name];
      if (!t) throw new Error(`no value fed for graph input ${input.name}`);
      feeds[input.name] = t;
    }
    const out = (await this.compiled.compiled.session.run(feeds)) as Record<string, ort.Tensor>;
    return Object.fromEntries(this.compiled.graph.extraOutputs.map((n) => [n, out[n]]));
  }
}

/**
 * Wraps parameter arrays as tensors (no copy). For LoRA merged into the base weights, pass the
 * spec without `lora`: the adapters are then neither expected nor read.
 */
export function paramTensors(spec: OptModelSpec, values: ParamValues): Map<string, ort.Tensor> {
  const out = new Map<string, ort.Tensor>();
  for (const [name, shape] of modelParameterShapes(spec)) {
    const data = values.get(name);
    if (!data) throw new Error(`no value for parameter ${name}`);
    out.set(name, float32Tensor(data, shape));
  }
  return out;
}
