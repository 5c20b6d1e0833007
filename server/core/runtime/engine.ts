// Runs training steps: feeds the state, the batch and fresh dropout masks into the compiled
// graphs and updates the state. Two ways to apply AdamW (same update, see `EngineOptions.update`):
// - 'graph' (always when the state lives on a GPU): one batch runs as one fused graph whose
//   outputs are the updated parameters and moments; micro-batches run the accumulate graph each
//   and then the update graph;
// - 'host' (the CPU default): the gradients graph per micro-batch (gradients summed in place),
//   then AdamW in place on the state's own arrays (optim/adamwHost.ts). The step then outputs
//   only gradients: onnxruntime-node copies every output into a fresh JS buffer, so a fused step
//   would hold the old state, onnxruntime's updated copy and the JS copy of it at once (measured:
//   peak RSS 6.5 GB vs 3.2 GB for torch on OPT-125m), and its ~14 element-wise nodes per parameter
//   cost more than the one-pass JS loop.
// Either way the loss is normalized by the count over all micro-batches, so splitting a batch
// changes nothing but memory.
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { Rng } from '../model/random';
import type { OptModelSpec } from '../model/optSpec';
import { specKey, modelParameterShapes } from '../model/optSpec';
import { TORCH_ADAMW_DEFAULTS, type AdamWHyper } from '../optim/adamw';
import type { UpdateJob } from '../optim/adamwHost';
import { sharedAdamWThreads, type AdamWThreads } from '../optim/adamwThreads';
import { groupsKey, uniformGroups, type GroupAssignment } from '../optim/paramGroups';
import { DeviceTransfer } from './deviceTransfer';
import { DroppedBuffers } from './hostGarbage';
import { HostGradients } from './hostGradients';
import type { TrainingObjective } from './objective';
import type { ProviderChoice, ProviderName } from './providers';
import { compileCached, type CompiledGraph } from './sessionCache';
import { buildStepGraph, buildUpdateGraph, io, trainableNames, type StepGraph, type StepVariant } from './stepGraphs';
import { floatData, float32Tensor, onCpu, release } from './tensors';
import { TrainingState } from './trainingState';

export interface EngineOptions {
  provider?: ProviderChoice;
  threads?: number;
  adamw?: AdamWHyper;
  /** Seed of the dropout masks (the model seed). */
  seed?: number;
  /** false: train with dropout off (the model in eval mode). */
  dropout?: boolean;
  /** Keep parameters and moments in GPU memory between steps where the provider allows (default true). */
  keepOnDevice?: boolean;
  /**
   * onnxruntime's CPU memory arena for the step graphs (SessionOptions.cpuMemArena). Default off:
   * with it a session keeps its peak (activations and gradients) reserved between steps; measured
   * on OPT-125m full FT (8×128, 2 threads) without it: peak RSS 3.55 GB instead of 4.4 GB, and
   * faster steps, not slower.
   */
  cpuMemArena?: boolean;
  /**
   * Where AdamW runs when the state is in host memory: 'host' (default) in place in JS after the
   * gradients graph, 'graph' inside the fused step graph. A GPU-resident state always uses 'graph'.
   */
  update?: 'host' | 'graph';
}

/** Per-batch graph inputs by name: the decoder feeds (optBatch) and the objective's own inputs. */
export type BatchFeeds = Record<string, ort.Tensor>;

export interface StepResult {
  /** Mean loss over the whole (possibly split) batch. */
  loss: number;
  /** The count the loss was normalized by. */
  count: number;
  /** The objective's extra outputs, per micro-batch. */
  outputs: Record<string, ort.Tensor>[];
}

const scalar = (x: number): ort.Tensor => float32Tensor([x], []);

export class TrainingEngine {
  readonly trainable: string[];
  readonly transfer: DeviceTransfer;
  private readonly rng: Rng;
  private readonly hyper: AdamWHyper;
  private readonly groups: GroupAssignment;
  private readonly maskBuffers = new Map<string, Float32Array>();
  /** Gradients and replaced state arrays this engine has dropped since the last collection. */
  private readonly dropped = new DroppedBuffers();
  /** The host update's threads (as many as onnxruntime's intra-op threads). */
  private readonly adamw: AdamWThreads;

  private constructor(
    readonly spec: OptModelSpec,
    readonly objective: TrainingObjective,
    readonly batch: number,
    readonly seq: number,
    private readonly opts: EngineOptions,
    /** The provider the graphs run on (record it with results). */
    readonly provider: ProviderName,
    /** Why a requested provider was not used, one line each (empty when it was). */
    readonly fallbacks: string[],
    /** Whether parameters and moments stay in GPU memory between steps. */
    readonly resident: boolean,
  ) {
    this.hyper = opts.adamw ?? TORCH_ADAMW_DEFAULTS;
    this.groups = objective.group ? (n) => objective.group!(n) : uniformGroups(this.hyper.weightDecay);
    this.trainable = trainableNames(spec, objective);
    this.rng = new Rng(opts.seed ?? 0);
    this.transfer = new DeviceTransfer(provider);
    this.adamw = sharedAdamWThreads(opts.threads && opts.threads > 0 ? opts.threads : availableParallelism());
  }

  /** Compiles the step graph (which settles the provider) and returns a ready engine. */
  static async create(spec: OptModelSpec, objective: TrainingObjective, batch: number, seq: number, opts: EngineOptions = {}): Promise<TrainingEngine> {
    const probe = new TrainingEngine(spec, objective, batch, seq, opts, 'cpu', [], false);
    // A CPU run with the host update never needs the fused graph; any other choice may.
    const first = (opts.provider ?? 'cpu') === 'cpu' && opts.update !== 'graph' ? 'grads' : 'fused';
    const { compiled } = await probe.compile(first, opts.provider ?? 'cpu');
    return new TrainingEngine(spec, objective, batch, seq, opts, compiled.provider, compiled.fallbacks, compiled.outputsOnDevice);
  }

  /** Whether AdamW runs in the step graph (GPU-resident state, or asked for) or in place on the host. */
  get updatesInGraph(): boolean {
    return this.resident || this.opts.update === 'graph';
  }

  /**
   * Compiles (or finds in the cache) one graph variant. The cache key holds the requested provider;
   * the session is created on `provider` (the settled one, once known).
   */
  private compile(variant: StepVariant | 'update', provider: ProviderChoice = this.provider): Promise<CompiledGraph> {
    const hyper = this.hyper;
    const dropout = this.opts.dropout !== false;
    const build = (): StepGraph =>
      variant === 'update'
        ? buildUpdateGraph(modelParameterShapes(this.spec), this.trainable, hyper, this.groups)
        : buildStepGraph(this.spec, this.objective, this.batch, this.seq, variant, hyper, this.groups, dropout);
    const keepOnDevice = this.opts.keepOnDevice !== false;
    const key = [
      specKey(this.spec), this.objective.key, this.batch, this.seq, JSON.stringify(hyper),
      groupsKey(this.trainable, this.groups), dropout, variant, this.opts.provider ?? 'cpu', this.opts.threads ?? 0, keepOnDevice,
      this.opts.cpuMemArena === true,
    ].join('|');
    return compileCached(key, build, {
      provider,
      threads: this.opts.threads,
      cpuMemArena: this.opts.cpuMemArena === true,
      // Ignored by providers that cannot keep outputs on a device.
      deviceOutputs: keepOnDevice ? (g) => g.outputs.map((o) => o.name).filter(isStateOutput) : undefined,
    });
  }

  /** A fresh state from parameter values (the state takes the arrays over). */
  async createState(values: Map<string, Float32Array>): Promise<TrainingState> {
    const state = TrainingState.create(values, modelParameterShapes(this.spec), this.trainable);
    if (this.resident) await state.moveTo(this.transfer);
    return state;
  }

  /** Fresh dropout masks for one run, drawn into buffers reused from step to step. */
  private masks(graph: StepGraph): BatchFeeds {
    const feeds: BatchFeeds = {};
    for (const m of graph.masks) {
      let buf = this.maskBuffers.get(m.name);
      if (!buf) this.maskBuffers.set(m.name, (buf = new Float32Array(m.shape.reduce((a, b) => a * b, 1))));
      feeds[m.name] = float32Tensor(this.rng.fillDropoutMask(buf, m.p), m.shape);
    }
    return feeds;
  }

  private feedsFor(graph: StepGraph, state: TrainingState, batch: BatchFeeds, extra: BatchFeeds): BatchFeeds {
    const feeds: BatchFeeds = {};
    const masks = this.masks(graph);
    for (const input of graph.inputs) {
      const n = input.name;
      const t = extra[n] ?? masks[n] ?? state.params.get(n) ?? stateMoment(state, n) ?? batch[n];
      if (!t) throw new Error(`no value fed for graph input ${n}`);
      feeds[n] = t;
    }
    return feeds;
  }

  /** One optimizer step over the batch, given as one or more micro-batches of the compiled shape. */
  async step(state: TrainingState, microBatches: readonly BatchFeeds[], lr: number): Promise<StepResult> {
    if (microBatches.length === 0) throw new Error('step: no batch given');
    return this.updatesInGraph ? this.stepInGraph(state, microBatches, lr) : this.stepOnHost(state, microBatches, lr);
  }

  /** Gradients graph per micro-batch, summed in place, then AdamW in place on the state's arrays. */
  private async stepOnHost(state: TrainingState, microBatches: readonly BatchFeeds[], lr: number): Promise<StepResult> {
    const { graph, compiled } = await this.compile('grads');
    const grads = new HostGradients(graph, this.dropped);
    let lossSum = 0;
    let count = 0;
    const outputs: Record<string, ort.Tensor>[] = [];
    for (const micro of microBatches) {
      // The last step's gradients (or the last micro-batch's) are dropped by now: free them first.
      this.dropped.collectIfLarge();
      const out = (await compiled.session.run(this.feedsFor(graph, state, micro, {}))) as BatchFeeds;
      grads.add(out);
      lossSum += num(out[io.lossSum]);
      count += num(out[io.lossCount]);
      outputs.push(pick(out, graph.extraOutputs));
    }
    const t = state.step + 1;
    const gradScale = 1 / Math.max(count, 1);
    const jobs: UpdateJob[] = this.trainable.map((n) => {
      const { param, m, v } = state.writable(n);
      const group = this.groups(n);
      const step = { lr: lr * group.lrScale, weightDecay: group.weightDecay, step: t, gradScale };
      return { name: n, p: param, m, v, grad: grads.get(n, state.params.get(n)!.dims), step };
    });
    grads.clear();
    const done = await this.adamw.run(jobs, this.hyper);
    done.forEach((d, i) => {
      state.adopt(d.name, d);
      const g = jobs[i].grad;
      // A gradient updated in a worker died there (the worker collects it).
      if (d.gradientHere && g.kind === 'dense') this.dropped.add(g.values.byteLength);
    });
    state.step = t;
    return { loss: lossSum / Math.max(count, 1), count, outputs };
  }

  /** The fused graph (one micro-batch) or accumulate + update graphs; the state is replaced by their outputs. */
  private async stepInGraph(state: TrainingState, microBatches: readonly BatchFeeds[], lr: number): Promise<StepResult> {
    const t = state.step + 1;
    const opt = { [io.lr]: scalar(lr), [io.step]: scalar(t) };
    this.dropped.collectIfLarge();
    if (microBatches.length === 1) {
      const { graph, compiled } = await this.compile('fused');
      const out = (await compiled.session.run(this.feedsFor(graph, state, microBatches[0], opt))) as BatchFeeds;
      this.takeUpdate(state, out);
      state.step = t;
      return { loss: num(out[io.loss]), count: num(out[io.lossCount]), outputs: [pick(out, graph.extraOutputs)] };
    }

    const acc = await this.compile('accumulate');
    let sums: BatchFeeds = await this.transfer.upload(
      Object.fromEntries(this.trainable.map((n) => [io.acc(n), float32Tensor(new Float32Array(state.params.get(n)!.size), state.params.get(n)!.dims)])),
    );
    let lossSum = 0;
    let count = 0;
    const outputs: Record<string, ort.Tensor>[] = [];
    for (const micro of microBatches) {
      this.dropped.collectIfLarge();
      const out = (await acc.compiled.session.run(this.feedsFor(acc.graph, state, micro, sums))) as BatchFeeds;
      const next: BatchFeeds = {};
      for (const n of this.trainable) {
        if (onCpu(sums[io.acc(n)])) this.dropped.add((sums[io.acc(n)].data as Float32Array).byteLength);
        release(sums[io.acc(n)]);
        next[io.acc(n)] = out[io.accOut(n)];
      }
      sums = next;
      lossSum += num(out[io.lossSum]);
      count += num(out[io.lossCount]);
      outputs.push(pick(out, acc.graph.extraOutputs));
    }
    const update = await this.compile('update');
    const grads = Object.fromEntries(this.trainable.map((n) => [io.grad(n), sums[io.acc(n)]]));
    const feeds = { ...opt, [io.gradScale]: scalar(1 / Math.max(count, 1)), ...grads };
    const out = (await update.compiled.session.run(this.feedsFor(update.graph, state, {}, feeds))) as BatchFeeds;
    for (const g of Object.values(grads)) release(g);
    this.takeUpdate(state, out);
    state.step = t;
    return { loss: lossSum / Math.max(count, 1), count, outputs };
  }

  /** Loss and gradients of the summed loss (no update) — for checks and custom optimizers. */
  async gradients(
    state: TrainingState,
    batch: BatchFeeds,
  ): Promise<{ loss: number; count: number; grads: Map<string, Float32Array>; /** Parameters whose gradient the graph sent as rows. */ fromRows: string[] }> {
    const { graph, compiled } = await this.compile('grads');
    const out = (await compiled.session.run(this.feedsFor(graph, state, batch, {}))) as BatchFeeds;
    const host = await this.transfer.download(out);
    const sums = new HostGradients(graph, this.dropped);
    sums.add(host);
    const grads = new Map(this.trainable.map((n) => [n, sums.denseOf(n, state.params.get(n)!.dims)]));
    return { loss: num(host[io.loss]), count: num(host[io.lossCount]), grads, fromRows: Object.keys(graph.sparseGrads) };
  }

  private takeUpdate(state: TrainingState, out: BatchFeeds): void {
    // Host-memory state: the replaced arrays are dropped (GPU buffers are released by `replace`).
    if (!this.resident) this.dropped.add(3 * byteLength(this.trainable.map((n) => floatData(state.params.get(n)!) as Float32Array)));
    for (const n of this.trainable) {
      state.replace(state.params, n, out[io.updated(n)]);
      state.replace(state.m, n, out[io.updatedM(n)]);
      state.replace(state.v, n, out[io.updatedV(n)]);
    }
  }
}

function isStateOutput(name: string): boolean {
  return /^(updated|updated_m|updated_v|acc_out)\//.test(name);
}

function stateMoment(state: TrainingState, name: string): ort.Tensor | undefined {
  if (name.startsWith('adam_m/')) return state.m.get(name.slice(7));
  if (name.startsWith('adam_v/')) return state.v.get(name.slice(7));
  return undefined;
}

function byteLength(arrays: readonly Float32Array[]): number {
  return arrays.reduce((n, a) => n + a.byteLength, 0);
}

function num(t: ort.Tensor): number {
  return Number(floatData(t)[0]);
}

function pick(out: BatchFeeds, names: readonly string[]): BatchFeeds {
  return Object.fromEntries(names.map((n) => [n, out[n]]));
}
