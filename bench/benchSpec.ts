// What one bench child process is asked to measure, and the synthetic batch both sides build from
// the same formulas (so the reference and our engine see identical token ids, padding and labels).
//
// Shapes: B batch, T sequence length, V vocabulary, K verbalizer tokens.

export type Workload = 'full' | 'pbft' | 'lora' | 'eval';

export interface BenchSpec {
  workload: Workload;
  /** Label printed in the table (e.g. "opt-125m full"). */
  label: string;
  /** A Hugging Face OPT config.json object (random init: only the shapes matter). */
  model: Record<string, unknown>;
  batch: number; // B
  seq: number; // T
  warmup: number;
  reps: number;
  threads: number;
  provider: 'cpu' | 'webgpu' | 'cuda' | 'auto';
  /** Train with dropout (HF's default training mode) or with the model in eval mode. */
  dropout: boolean;
  numLabels: number;
  lora: { r: number; alpha: number; dropout: number; targets: string[] };
  lr: number;
  seed: number;
}

/** One child's answer, printed as a single JSON line on stdout. */
export interface SideResult {
  side: 'ours' | 'ref';
  label: string;
  workload: Workload;
  /** Seconds per repetition, in order. */
  times: number[];
  median_s: number;
  peak_rss_mb: number;
  provider: string;
  threads: number;
  /** Seconds to build/compile and initialize before the first step (not part of median_s). */
  setup_s: number;
  /** Loss of the last timed step (training workloads). */
  loss?: number;
  /** What this side computes, in words. */
  computes: string;
  notes: string[];
}

export function parseSpec(argv: readonly string[]): BenchSpec {
  const i = argv.indexOf('--spec');
  if (i < 0 || !argv[i + 1]) throw new Error('usage: --spec <json>');
  return JSON.parse(argv[i + 1]) as BenchSpec;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface SyntheticBatch {
  /** Token ids [B][T], right-padded with the pad id, `</s>` (2) first. */
  ids: number[][];
  /** Real tokens per row. */
  lengths: number[];
  /** Class label per row, in [0, numLabels). */
  labels: number[];
  /** Verbalizer token ids [K] (two distinct vocabulary rows). */
  verbalizer: number[];
}

/**
 * The batch formula (mirrored in reference_bench.py): row i has T - (13·i mod ⌊T/4⌋) real tokens,
 * so most rows carry some padding; ids are spread over the vocabulary.
 */
export function syntheticBatch(b: number, t: number, vocab: number, numLabels: number, padId: number): SyntheticBatch {
  const cut = Math.max(1, Math.floor(t / 4));
  const ids: number[][] = [];
  const lengths: number[] = [];
  for (let i = 0; i < b; i++) {
    const len = t - ((13 * i) % cut);
    const row: number[] = [];
    for (let j = 0; j < t; j++) row.push(j >= len ? padId : j === 0 ? 2 : 3 + ((i * t * 31 + j * 7919 + 11) % (vocab - 3)));
    ids.push(row);
    lengths.push(len);
  }
  const labels = Array.from({ length: b }, (_, i) => i % numLabels);
  const verbalizer = [1000 % vocab, 2000 % vocab];
  if (verbalizer[0] === verbalizer[1]) verbalizer[1] = (verbalizer[1] + 1) % vocab;
  return { ids, lengths, labels, verbalizer };
}
