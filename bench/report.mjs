// The bench's output: a table for people, then one JSON line per workload for tools.

const fmt = (x, digits = 3) => (x === undefined || x === null || Number.isNaN(x) ? '—' : x.toFixed(digits));
/** Seconds with three significant digits (tiny development shapes take fractions of a millisecond). */
const secs = (x) => (x === undefined || x === null ? '—' : x >= 1 ? x.toFixed(2) : x.toPrecision(3));

/** One comparable row from the two sides' results (either may be missing). */
export function combine(w, ours, ref, threads, load) {
  const ours_s = ours?.median_s;
  const ref_s = ref?.median_s;
  const best = (side) => (side?.times?.length ? Math.min(...side.times) : null);
  return {
    workload: w.label,
    ours_s: ours_s ?? null,
    ref_s: ref_s ?? null,
    ratio: ours_s && ref_s ? ref_s / ours_s : null,
    // On a shared machine the fastest repetition is the one least disturbed by other load.
    ours_best_s: best(ours),
    ref_best_s: best(ref),
    ratio_best: best(ours) && best(ref) ? best(ref) / best(ours) : null,
    ours_peak_rss_mb: ours ? Math.round(ours.peak_rss_mb) : null,
    ref_peak_rss_mb: ref ? Math.round(ref.peak_rss_mb) : null,
    provider: ours?.provider ?? null,
    ref_provider: ref?.provider ?? null,
    threads,
    batch: w.batch,
    seq: w.seq,
    reps: w.reps,
    ours_times: ours?.times ?? null,
    ref_times: ref?.times ?? null,
    load_avg_1m: load,
    ours_computes: ours?.computes ?? null,
    ref_computes: ref?.computes ?? null,
    errors: [ours?.error, ref?.error].filter(Boolean),
  };
}

/** A Markdown table with padded columns. */
function printGrid(header, body, log) {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  log(line(header));
  log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) log(line(b));
}

export function printTable(rows, log = console.log) {
  const header = ['workload', 'ours s/step', 'ref s/step', 'ratio ref/ours', 'ratio of best reps', 'ours samples/s', 'ref samples/s', 'ours peak RSS MB', 'ref peak RSS MB', 'provider', 'load'];
  const body = rows.map((r) => [
    r.workload,
    secs(r.ours_s),
    secs(r.ref_s),
    r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`,
    r.ratio_best === null ? '—' : `${r.ratio_best.toFixed(2)}×`,
    r.ours_s ? fmt(r.batch / r.ours_s, 1) : '—',
    r.ref_s ? fmt(r.batch / r.ref_s, 1) : '—',
    r.ours_peak_rss_mb ?? '—',
    r.ref_peak_rss_mb ?? '—',
    r.provider ?? '—',
    fmt(r.load_avg_1m, 2),
  ].map(String));
  printGrid(header, body, log);
}

/** The lsp workload's table: diagnostics latency idle (the reference) and while training, and busy / idle. */
export function printLspTable(rows, log = console.log) {
  const ms = (x) => (x === null || x === undefined ? '—' : x.toFixed(1));
  const times = (x) => (x === null ? '—' : `${x.toFixed(2)}×`);
  const header = ['workload', 'idle median ms', 'idle p95 ms', 'busy median ms', 'busy p95 ms', 'ratio busy/idle', 'ratio of p95s', 'edits', 'file KB', 'trained throughout', 'load'];
  const body = rows.map((r) => [
    r.workload,
    ms(r.idle_median_ms),
    ms(r.idle_p95_ms),
    ms(r.busy_median_ms),
    ms(r.busy_p95_ms),
    times(r.ratio),
    times(r.ratio_p95),
    r.edits,
    r.file_kb ?? '—',
    r.training_throughout === null ? '—' : r.training_throughout ? 'yes' : 'NO',
    fmt(r.load_avg_1m, 2),
  ].map(String));
  printGrid(header, body, log);
}

export function printJsonLines(rows, log = console.log) {
  for (const r of rows) log(JSON.stringify(r));
}

export function printProfile(p, log = console.log) {
  log(`\nprofile of our ${p.label} step (onnxruntime profiler, one step after a warm-up):`);
  log(`  run ${fmt(p.run_s)} s, sum of node times ${fmt(p.node_sum_s)} s, dropout masks drawn in JS ${fmt(p.mask_draw_s)} s`);
  for (const o of p.by_op.slice(0, 12)) log(`  ${o.op.padEnd(22)} ${fmt(o.s)} s  ${(100 * o.share).toFixed(1).padStart(5)}%  (${o.count} nodes)`);
  log('  matrix products by shape (M×K×N; Aᵀ/Bᵀ: transposed operand), total time and achieved GFLOP/s:');
  for (const m of p.products.slice(0, 14)) log(`    ${m.kind.padEnd(44)} ×${String(m.count).padEnd(4)} ${fmt(m.s)} s  ${fmt(m.gflops, 1).padStart(7)} GFLOP/s`);
}
