// Our side of one workload: builds the engine (or the evaluator) for the spec, runs warm-up steps,
// then times `reps` steps one by one. A training step is the engine's public `step()` exactly as a
// method calls it: dropout masks drawn in JS, feeds assembled, then on the CPU the gradients graph
// (forward, loss, backward) and AdamW in place on the host; on a GPU one fused graph with AdamW.
import { parseOptConfig } from '../server/core/model/config';
import { decoderFeeds, padBatch } from '../server/core/model/optBatch';
import type { OptModelSpec } from '../server/core/model/optSpec';
import type { BatchFeeds } from '../server/core/runtime/engine';
import { TrainingEngine } from '../server/core/runtime/engine';
import { Evaluator, paramTensors } from '../server/core/runtime/evaluator';
import { float32Tensor, int64Tensor } from '../server/core/runtime/tensors';
import { DeviceTransfer } from '../server/core/runtime/deviceTransfer';
import { classificationObjective, classLogitsReadout, LABELS, trainAll, trainLoraAndHead, VERBALIZER, verbalizerObjective } from './benchObjectives';
import { median, syntheticBatch, type BenchSpec, type SideResult } from './benchSpec';
import { randomParams } from './randomParams';

export function modelSpecFor(s: BenchSpec): OptModelSpec {
  const config = parseOptConfig(s.model, `bench model (${s.label})`);
  if (s.workload === 'pbft') return { config };
  const lora = s.workload === 'lora' ? { r: s.lora.r, alpha: s.lora.alpha, dropout: s.lora.dropout, targetModules: s.lora.targets } : undefined;
  return { config, numLabels: s.numLabels, lora };
}

/** The decoder feeds plus labels and verbalizer ids, as CPU tensors. */
export function batchFeeds(s: BenchSpec, spec: OptModelSpec): BatchFeeds {
  const { batch: b, seq: t } = s;
  const cfg = spec.config;
  const sb = syntheticBatch(b, t, cfg.vocabSize, s.numLabels, cfg.padTokenId);
  const tb = padBatch(sb.ids.map((row, i) => row.slice(0, sb.lengths[i])), t, cfg.padTokenId);
  const d = decoderFeeds(tb, cfg.padTokenId);
  return {
    input_ids: int64Tensor(d.input_ids, [b, t]),
    position_ids: int64Tensor(d.position_ids, [b, t]),
    key_mask: float32Tensor(d.key_mask, [b, t]),
    last_token_row: int64Tensor(d.last_token_row, [b]),
    [LABELS]: int64Tensor(sb.labels, [b]),
    [VERBALIZER]: int64Tensor(sb.verbalizer, [sb.verbalizer.length]),
  };
}

function objectiveFor(s: BenchSpec) {
  if (s.workload === 'pbft') return verbalizerObjective(2);
  return s.workload === 'lora' ? classificationObjective('lora', trainLoraAndHead) : classificationObjective('full', trainAll);
}

const WHAT: Record<BenchSpec['workload'], string> = {
  full: 'cls head on last non-pad token, CE, backward + AdamW over all parameters (gradients graph + in-place AdamW on the CPU)',
  pbft: 'hidden[last]·E[verbalizer]ᵀ (2 rows of the tied LM head), CE, backward + AdamW over all parameters',
  lora: 'LoRA r/alpha on q,v + cls head trainable, base frozen (not differentiated), CE, AdamW',
  eval: 'forward only (dropout off), classification logits [B, labels] back on the CPU',
};

export interface TimedRun {
  times: number[];
  setup: number;
  loss?: number;
  provider: string;
  /** Why the requested provider was not used (empty when it was). */
  fallbacks: string[];
  /** Whether parameters and optimizer state stayed in GPU memory between steps. */
  resident: boolean;
  /** Total wall time of the timed repetitions, ending after a device sync. */
  total: number;
}

/** Runs warm-up + reps; `onRep` lets a caller sample something (e.g. GPU memory) between reps. */
export async function timeOurs(s: BenchSpec, onRep?: () => void): Promise<TimedRun> {
  const t0 = performance.now();
  const spec = modelSpecFor(s);
  const feeds = batchFeeds(s, spec);
  const times: number[] = [];
  if (s.workload === 'eval') {
    const ev = await Evaluator.create(spec, classLogitsReadout, s.batch, s.seq, { provider: s.provider, threads: s.threads });
    const transfer = new DeviceTransfer(ev.provider);
    // Parameters uploaded once (kept in GPU memory on WebGPU; unchanged on the CPU).
    const host = Object.fromEntries(paramTensors(spec, randomParams(spec, s.seed)));
    const params = new Map(Object.entries(await transfer.upload(host)));
    const setup = (performance.now() - t0) / 1000;
    for (let i = 0; i < s.warmup; i++) await ev.run(params, feeds);
    const start = performance.now();
    for (let i = 0; i < s.reps; i++) {
      const r0 = performance.now();
      await ev.run(params, feeds); // logits come back as CPU outputs: the forward has finished
      times.push((performance.now() - r0) / 1000);
      onRep?.();
    }
    return { times, setup, provider: ev.provider, fallbacks: ev.fallbacks, resident: transfer.resident, total: (performance.now() - start) / 1000 };
  }
  const engine = await TrainingEngine.create(spec, objectiveFor(s), s.batch, s.seq, {
    provider: s.provider,
    threads: s.threads,
    dropout: s.dropout,
    seed: s.seed,
  });
  const state = await engine.createState(randomParams(spec, s.seed));
  const setup = (performance.now() - t0) / 1000;
  for (let i = 0; i < s.warmup; i++) await engine.step(state, [feeds], s.lr);
  let loss: number | undefined;
  const start = performance.now();
  for (let i = 0; i < s.reps; i++) {
    const r0 = performance.now();
    loss = (await engine.step(state, [feeds], s.lr)).loss; // the loss is a CPU output: the step has finished computing it
    times.push((performance.now() - r0) / 1000);
    onRep?.();
  }
  // Resident state: wait for the last update to land by reading one parameter back.
  if (engine.resident) await state.values(engine.transfer, [engine.trainable[0]]);
  const total = (performance.now() - start) / 1000;
  return { times, setup, loss, provider: engine.provider, fallbacks: engine.fallbacks, resident: engine.resident, total };
}

export async function runOurs(s: BenchSpec): Promise<SideResult> {
  const r = await timeOurs(s);
  return {
    side: 'ours',
    label: s.label,
    workload: s.workload,
    times: r.times,
    median_s: median(r.times),
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    provider: r.provider,
    threads: s.threads,
    setup_s: r.setup,
    loss: r.loss,
    computes: WHAT[s.workload],
    notes: [...r.fallbacks, ...(r.resident ? ['state resident on the GPU'] : [])],
  };
}
