// The node side of bench/gpu-check.sh (bundled by prepare-gpu-bundle.sh into .device/gpuCheck.js):
// one workload per process, trained through the engine on WebGPU with parameters, gradients and
// AdamW moments resident on the GPU; prints one JSON line with samples/s and peak GPU memory.
// Where WebGPU cannot start, the engine falls back to the CPU and the line says why.
//
//   node gpuCheck.js --workload full|lora|eval|pbft [--batch 32] [--seq 128] [--warmup 2] [--reps 10]
//                    [--provider webgpu] [--threads N] [--tiny] [--no-dropout] [--max-seconds S]
//   node gpuCheck.js --summary results.jsonl      (the table beside DEVICE.md's Hugging Face figures)
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GraphBuilder } from '../server/core/graph/builder';
import { createSession } from '../server/core/runtime/session';
import { buildStepGraph } from '../server/core/runtime/stepGraphs';
import { TORCH_ADAMW_DEFAULTS } from '../server/core/optim/adamw';
import { uniformGroups } from '../server/core/optim/paramGroups';
import type { ProviderChoice } from '../server/core/runtime/providers';
import { classificationObjective, trainAll, trainLoraAndHead, verbalizerObjective } from './benchObjectives';
import { median, type BenchSpec, type Workload } from './benchSpec';
import { GpuMemorySampler } from './gpuMemory';
import models from './models.json';
import { modelSpecFor, timeOurs } from './oursWorkload';

/** Hugging Face transformers + PEFT + torch 2.11 on the H200, OPT-125m fp32, batch 32 × 128 (DEVICE.md). */
const HF_H200: Record<Workload, { samplesPerS: number; gib?: number }> = {
  full: { samplesPerS: 534, gib: 3.39 },
  pbft: { samplesPerS: 405, gib: 4.96 },
  lora: { samplesPerS: 747, gib: 2.25 },
  eval: { samplesPerS: 1237 },
};

interface GpuResult {
  workload: Workload;
  model: string;
  provider: string;
  fallbacks: string[];
  batch: number;
  seq: number;
  dropout: boolean;
  reps: number;
  median_s: number;
  total_s: number;
  samples_per_s: number;
  setup_s: number;
  peak_gpu_mib: number | null;
  baseline_gpu_mib: number | null;
  peak_rss_mb: number;
  loss: number | null;
  /** Whether the step graph loads on WebGPU with CPU fallback disabled ('ok' or the error), null when not on WebGPU. */
  all_ops_on_webgpu: string | null;
  notes: string[];
}

/** Does WebGPU start here at all? A one-node graph answers in well under a second. */
async function webgpuStarts(provider: ProviderChoice): Promise<string | undefined> {
  if (provider === 'cpu') return 'CPU requested';
  const g = new GraphBuilder('probe');
  g.output(g.node1('Identity', [g.input('x', 'float32', [1])], 'float32', [1]), 'y');
  const s = await createSession(g.toModel(), { provider });
  await s.session.release();
  return s.provider === 'cpu' ? s.fallbacks.join('; ') : undefined;
}

/** The training step graph on WebGPU with per-node CPU fallback refused: an op it does not take fails loudly. */
async function strictWebgpu(s: BenchSpec): Promise<string> {
  const spec = modelSpecFor(s);
  const objective = s.workload === 'pbft' ? verbalizerObjective(2) : classificationObjective(s.workload, s.workload === 'lora' ? trainLoraAndHead : trainAll);
  const graph = buildStepGraph(spec, objective, s.batch, s.seq, 'fused', TORCH_ADAMW_DEFAULTS, uniformGroups(TORCH_ADAMW_DEFAULTS.weightDecay), s.dropout);
  try {
    const c = await createSession(graph.model, { provider: 'webgpu', strictDevice: true });
    await c.session.release();
    return 'ok';
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).split('\n').slice(0, 2).join(' ').slice(0, 400);
  }
}

async function runWorkload(argv: ReturnType<typeof parse>): Promise<GpuResult> {
  const workload = argv.workload as Workload;
  const provider = argv.provider as ProviderChoice;
  const notes: string[] = [];
  let reps = Number(argv.reps);
  let warmup = Number(argv.warmup);
  const whyNot = await webgpuStarts(provider);
  if (whyNot && provider !== 'cpu') {
    notes.push('WebGPU is not available here: the workloads run on the CPU (numbers not comparable to the GPU figures)');
    if (!argv.tiny) {
      [reps, warmup] = [Math.min(reps, 2), Math.min(warmup, 1)];
      notes.push(`CPU fallback: reps cut to ${reps} and warm-up to ${warmup} to stay within the check's time limit`);
    }
  }
  const modelName = argv.tiny ? 'tiny-pre' : 'opt-125m';
  const spec: BenchSpec = {
    workload,
    label: `${modelName} ${workload}`,
    model: (models as Record<string, Record<string, unknown>>)[modelName],
    batch: Number(argv.batch),
    seq: Number(argv.seq),
    warmup,
    reps,
    threads: Number(argv.threads),
    provider,
    dropout: !argv['no-dropout'],
    numLabels: 2,
    lora: { r: 8, alpha: 16, dropout: 0, targets: ['q_proj', 'v_proj'] },
    lr: 1e-5,
    seed: 1,
  };
  const sampler = GpuMemorySampler.start(Number(argv['max-seconds']));
  if (!sampler) notes.push('no nvidia-smi: GPU memory not measured');
  const r = await timeOurs(spec);
  const mem = sampler?.stop();
  const onGpu = r.provider === 'webgpu';
  return {
    workload,
    model: modelName,
    provider: r.provider,
    fallbacks: r.fallbacks,
    batch: spec.batch,
    seq: spec.seq,
    dropout: spec.dropout,
    reps: spec.reps,
    median_s: median(r.times),
    total_s: r.total,
    samples_per_s: (spec.batch * spec.reps) / r.total,
    setup_s: r.setup,
    peak_gpu_mib: mem ? mem.peakMiB : null,
    baseline_gpu_mib: mem ? mem.baselineMiB : null,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    loss: r.loss ?? null,
    all_ops_on_webgpu: onGpu && workload !== 'eval' ? await strictWebgpu(spec) : null,
    notes: [...notes, !r.resident ? 'state in host memory' : workload === 'eval' ? 'parameters resident on the GPU' : 'parameters, gradients and AdamW moments resident on the GPU between steps'],
  };
}

function summary(file: string): void {
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as GpuResult);
  const f = (x: number | null | undefined, d = 1): string => (x === null || x === undefined ? '—' : x.toFixed(d));
  console.log('| workload | provider | ours samples/s | HF fp32 samples/s | ours / HF | ours peak GPU GiB | HF peak GiB | s/step (median) | setup s |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const hf = HF_H200[r.workload];
    const gib = r.peak_gpu_mib === null ? null : r.peak_gpu_mib / 1024;
    console.log(
      `| ${r.model} ${r.workload} ${r.batch}×${r.seq}${r.dropout || r.workload === 'eval' ? '' : ' no dropout'} | ${r.provider}${r.fallbacks.length ? ' (fallback)' : ''} | ${f(r.samples_per_s)} | ${hf.samplesPerS} | ${f(r.samples_per_s / hf.samplesPerS, 3)} | ${f(gib, 2)} | ${f(hf.gib, 2)} | ${f(r.median_s, 3)} | ${f(r.setup_s)} |`,
    );
  }
  const odd = rows.filter((r) => r.model !== 'opt-125m' || r.batch !== 32 || r.seq !== 128);
  if (odd.length) console.log('\nnote: the HF figures are OPT-125m at batch 32 × 128 on the H200; rows with other shapes are not comparable to them.');
  // The same fallback reason usually repeats for every workload: print each message once.
  const said = new Map<string, string[]>();
  for (const r of rows) {
    const lines = [...r.fallbacks, ...r.notes];
    if (r.all_ops_on_webgpu !== null) lines.push(`step graph with CPU fallback disabled on WebGPU: ${r.all_ops_on_webgpu}`);
    for (const n of lines) said.set(n, [...(said.get(n) ?? []), r.workload]);
  }
  for (const [n, ws] of said) console.log(`${ws.join(', ')}: ${n}`);
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      workload: { type: 'string', default: 'full' },
      provider: { type: 'string', default: 'webgpu' },
      batch: { type: 'string', default: '32' },
      seq: { type: 'string', default: '128' },
      warmup: { type: 'string', default: '2' },
      reps: { type: 'string', default: '10' },
      threads: { type: 'string', default: String(availableParallelism()) },
      tiny: { type: 'boolean', default: false },
      'no-dropout': { type: 'boolean', default: false },
      summary: { type: 'string' },
      'max-seconds': { type: 'string', default: '300' },
    },
  }).values;
}

async function main(): Promise<void> {
  const argv = parse(process.argv.slice(2));
  if (argv.summary) return summary(argv.summary);
  if (!['full', 'lora', 'eval', 'pbft'].includes(argv.workload!)) throw new Error(`unknown workload ${argv.workload}`);
  console.log(JSON.stringify(await runWorkload(argv)));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
