// The bench's "lsp" workload: the language server's diagnostics latency after an edit, idle and
// while the same server trains (bench/lspLatency.ts measures; this side bundles and summarizes).
// The idle figures are the reference measured in the same run, so the result is a ratio
// busy / idle: 1 means training costs the editor nothing. Needs no PyTorch.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runJsonChild } from './children.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

/**
 * The server, its trainer and the measuring client, bundled side by side into dist/bench/ as
 * scripts/build.mjs bundles the product (the runner forks the trainer.js beside the server).
 */
async function bundle() {
  const esbuild = await import('esbuild');
  const outdir = join(root, 'dist', 'bench');
  mkdirSync(outdir, { recursive: true });
  await esbuild.build({
    entryPoints: {
      lspServer: join(root, 'server', 'main.ts'),
      trainer: join(root, 'server', 'trainer', 'trainerMain.ts'),
      lspLatency: join(here, 'lspLatency.ts'),
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir,
    external: ['onnxruntime-node'],
    logLevel: 'warning',
  });
  return { server: join(outdir, 'lspServer.js'), client: join(outdir, 'lspLatency.js') };
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values, p) {
  if (!values?.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** One row of the lsp table and JSON line from the child's result (or its error). */
export function lspRow(label, result, { threads, load, error }) {
  const idle = result?.idle_ms ?? [];
  const busy = result?.busy_ms ?? [];
  const round = (x, digits) => (x === null ? null : Number(x.toFixed(digits)));
  const ratio = (a, b) => (a !== null && b !== null && b > 0 ? round(a / b, 3) : null);
  const idleMedian = round(percentile(idle, 50), 1);
  const busyMedian = round(percentile(busy, 50), 1);
  const idleP95 = round(percentile(idle, 95), 1);
  const busyP95 = round(percentile(busy, 95), 1);
  return {
    workload: label,
    idle_median_ms: idleMedian,
    idle_p95_ms: idleP95,
    busy_median_ms: busyMedian,
    busy_p95_ms: busyP95,
    ratio: ratio(busyMedian, idleMedian),
    ratio_p95: ratio(busyP95, idleP95),
    edits: idle.length,
    file_kb: result?.file_kb ?? null,
    debounce_ms: result?.debounce_ms ?? null,
    training_throughout: result?.training_throughout ?? null,
    trials_during_busy: result?.trials_during_busy ?? null,
    server_peak_rss_mb: result?.server_peak_rss_mb ?? null,
    threads,
    idle_ms: idle.map((x) => round(x, 1)),
    busy_ms: busy.map((x) => round(x, 1)),
    load_avg_1m: load,
    errors: error ? [error] : [],
  };
}

/** Bundles, runs the measuring child, and returns its row. */
export async function runLspWorkload({ label, threads, warmup, edits, load, log }) {
  const { server, client } = await bundle();
  const spec = { serverJs: server, model: join(root, 'models', 'tiny-opt-demo'), threads, warmup, edits };
  log(`[bench] ${label}: ${edits} edits idle, then ${edits} while training…`);
  try {
    const [result] = await runJsonChild(process.execPath, [client, '--spec', JSON.stringify(spec)], { timeoutMs: 15 * 60_000 });
    return lspRow(label, result, { threads, load });
  } catch (e) {
    log(`[bench] ${label} failed: ${e.message}`);
    return lspRow(label, undefined, { threads, load, error: `lsp: ${e.message.split('\n')[0]}` });
  }
}
