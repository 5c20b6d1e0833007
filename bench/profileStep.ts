// Where our training step spends its time: the engine's fused step graph (built by the engine's
// own buildStepGraph) run in a session with onnxruntime's profiler on, one warm-up run and one
// profiled run; node times are summed per op type, and the largest single nodes listed. Also
// timed: drawing the dropout masks in JS, which the engine does before every step.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { dropoutMask } from '../server/core/graph/ops/dropout';
import { Rng } from '../server/core/model/random';
import { TORCH_ADAMW_DEFAULTS } from '../server/core/optim/adamw';
import { uniformGroups } from '../server/core/optim/paramGroups';
import { buildStepGraph, io } from '../server/core/runtime/stepGraphs';
import { float32Tensor } from '../server/core/runtime/tensors';
import type { BenchSpec } from './benchSpec';
import { classificationObjective, trainAll, trainLoraAndHead, verbalizerObjective } from './benchObjectives';
import { batchFeeds, modelSpecFor } from './oursWorkload';
import { randomParams } from './randomParams';

interface TraceEvent {
  cat: string;
  name: string;
  ts: number;
  dur: number;
  args?: { op_name?: string; input_type_shape?: Record<string, number[]>[]; output_type_shape?: Record<string, number[]>[] };
}

const shapes = (list: Record<string, number[]>[] | undefined): number[][] => (list ?? []).map((o) => Object.values(o)[0] ?? []);
const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/**
 * A product's kind and FLOPs from the shapes the profiler records. Gemm's transpose flags are not
 * in the trace; they follow from which operand dimension matches the output.
 */
function productOf(e: TraceEvent): { kind: string; flops: number } | undefined {
  const op = e.args?.op_name ?? '';
  const [a, b] = shapes(e.args?.input_type_shape);
  const [y] = shapes(e.args?.output_type_shape);
  if (!a || !b || !y) return undefined;
  if (op === 'Gemm' || op === 'FusedGemm') {
    const [m, n] = y;
    const transA = a[0] !== m;
    const k = transA ? a[0] : a[1];
    const transB = b[1] !== n;
    return { kind: `${op} ${m}×${k}×${n}${transA ? ' Aᵀ' : ''}${transB ? ' Bᵀ' : ''}`, flops: 2 * m * n * k };
  }
  if (op === 'MatMul' || op === 'FusedMatMul') {
    const k = a[a.length - 1];
    return { kind: `${op} [${a}]·[${b}]`, flops: 2 * prod(y) * k };
  }
  return undefined;
}

export interface StepProfile {
  label: string;
  run_s: number;
  node_sum_s: number;
  mask_draw_s: number;
  by_op: { op: string; s: number; share: number; count: number }[];
  top_nodes: { node: string; op: string; ms: number }[];
  /** Matrix products grouped by shape: total time and achieved GFLOP/s. */
  products: { kind: string; count: number; s: number; gflops: number }[];
}

export async function profileStep(s: BenchSpec): Promise<StepProfile> {
  const spec = modelSpecFor(s);
  const objective =
    s.workload === 'pbft' ? verbalizerObjective(2) : classificationObjective(s.workload, s.workload === 'lora' ? trainLoraAndHead : trainAll);
  const graph = buildStepGraph(spec, objective, s.batch, s.seq, 'fused', TORCH_ADAMW_DEFAULTS, uniformGroups(TORCH_ADAMW_DEFAULTS.weightDecay), s.dropout);
  const dir = mkdtempSync(join(tmpdir(), 'ftlab-profile-'));
  const session = await ort.InferenceSession.create(graph.model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: s.threads,
    interOpNumThreads: 1,
    enableProfiling: true,
    profileFilePrefix: join(dir, 'step'),
  });
  const params = randomParams(spec, s.seed);
  const batch = batchFeeds(s, spec);
  const rng = new Rng(s.seed);
  const drawMasks = (): Record<string, ort.Tensor> =>
    Object.fromEntries(graph.masks.map((m) => [m.name, float32Tensor(dropoutMask(() => rng.next(), m.shape.reduce((a, b) => a * b, 1), m.p), m.shape)]));
  const feedsWith = (masks: Record<string, ort.Tensor>): Record<string, ort.Tensor> => {
    const feeds: Record<string, ort.Tensor> = {};
    for (const input of graph.inputs) {
      const n = input.name;
      const param = params.get(n) ?? params.get(n.replace(/^adam_[mv]\//, ''));
      if (batch[n]) feeds[n] = batch[n];
      else if (masks[n]) feeds[n] = masks[n];
      else if (n === io.lr) feeds[n] = float32Tensor([s.lr], []);
      else if (n === io.step) feeds[n] = float32Tensor([1], []);
      else if (n.startsWith('adam_')) feeds[n] = float32Tensor(new Float32Array(param!.length), input.shape);
      else if (param) feeds[n] = float32Tensor(param, input.shape);
      else throw new Error(`profile: nothing to feed for ${n}`);
    }
    return feeds;
  };

  await session.run(feedsWith(drawMasks()));
  const m0 = performance.now();
  const masks = drawMasks();
  const maskDraw = (performance.now() - m0) / 1000;
  const r0 = performance.now();
  await session.run(feedsWith(masks));
  const run = (performance.now() - r0) / 1000;
  session.endProfiling();
  await session.release();

  const file = readdirSync(dir).find((f) => f.endsWith('.json'));
  if (!file) throw new Error(`profile: onnxruntime wrote no trace in ${dir}`);
  const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as TraceEvent[];
  rmSync(dir, { recursive: true, force: true });
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run');
  const last = runs[runs.length - 1];
  const nodes = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time') && (!last || (e.ts >= last.ts && e.ts <= last.ts + last.dur)));
  const byOp = new Map<string, { us: number; count: number }>();
  for (const e of nodes) {
    const op = e.args?.op_name ?? '?';
    const acc = byOp.get(op) ?? { us: 0, count: 0 };
    acc.us += e.dur;
    acc.count++;
    byOp.set(op, acc);
  }
  const products = new Map<string, { count: number; us: number; flops: number }>();
  for (const e of nodes) {
    const p = productOf(e);
    if (!p) continue;
    const acc = products.get(p.kind) ?? { count: 0, us: 0, flops: 0 };
    acc.count++;
    acc.us += e.dur;
    acc.flops += p.flops;
    products.set(p.kind, acc);
  }
  const total = [...byOp.values()].reduce((a, b) => a + b.us, 0);
  return {
    label: s.label,
    run_s: run,
    node_sum_s: total / 1e6,
    mask_draw_s: maskDraw,
    by_op: [...byOp]
      .map(([op, a]) => ({ op, s: a.us / 1e6, share: a.us / total, count: a.count }))
      .sort((a, b) => b.s - a.s),
    top_nodes: [...nodes]
      .sort((a, b) => b.dur - a.dur)
      .slice(0, 15)
      .map((e) => ({ node: e.name.replace(/_kernel_time$/, ''), op: e.args?.op_name ?? '?', ms: e.dur / 1000 })),
    products: [...products]
      .map(([kind, a]) => ({ kind, count: a.count, s: a.us / 1e6, gflops: a.flops / (a.us * 1e3) }))
      .sort((a, b) => b.s - a.s),
  };
}
