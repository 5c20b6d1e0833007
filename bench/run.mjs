// `npm run bench`: our engine against a plain-PyTorch reference on the same machine, same threads.
//
//   node bench/run.mjs [--threads N] [--warmup N] [--reps N] [--eval-reps N] [--only a,b]
//                      [--batch B] [--seq T] [--tiny] [--no-dropout] [--profile] [--no-ref] [--lsp-edits N]
//
// Each side of each workload runs in its own child process (peak RSS per side). Before the
// workloads, both sides forward the fixture models of test/fixtures/reference and report their
// worst logit error against the Hugging Face goldens, so the two compute the same thing. The `lsp`
// workload (bench/lspWorkload.mjs) compares the language server with itself, idle and training.
import { execSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { probeTorch, PYTHON, runJsonChild, TORCH_HELP } from './children.mjs';
import { runLspWorkload } from './lspWorkload.mjs';
import { combine, printJsonLines, printLspTable, printProfile, printTable } from './report.mjs';
import { workloadList } from './workloads.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const fixtures = join(root, 'test', 'fixtures', 'reference');

const { values: opt } = parseArgs({
  options: {
    threads: { type: 'string', default: String(availableParallelism()) },
    warmup: { type: 'string', default: '1' },
    reps: { type: 'string', default: '3' },
    'eval-reps': { type: 'string', default: '10' },
    batch: { type: 'string' },
    seq: { type: 'string' },
    only: { type: 'string' },
    tiny: { type: 'boolean', default: false },
    'no-dropout': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'no-ref': { type: 'boolean', default: false },
    'lsp-edits': { type: 'string', default: '20' },
    help: { type: 'boolean', default: false },
  },
});
if (opt.help) {
  console.log(execSync(`sed -n '3,4p' ${JSON.stringify(fileURLToPath(import.meta.url))}`, { encoding: 'utf8' }).replace(/^\/\/ ?/gm, ''));
  process.exit(0);
}
const int = (name) => {
  const v = Number(opt[name]);
  if (!Number.isInteger(v) || v < (name === 'warmup' ? 0 : 1)) throw new Error(`--${name} must be a positive integer, got ${opt[name]}`);
  return v;
};
const threads = int('threads');
const batch = opt.batch ? int('batch') : opt.tiny ? 4 : 8;
const seq = opt.seq ? int('seq') : opt.tiny ? 16 : 128;
const log = (...a) => console.error(...a); // progress on stderr; table and JSON lines on stdout

/** Bundles the TypeScript worker with esbuild into dist/bench/ (git-ignored; onnxruntime-node stays external). */
async function bundleWorker() {
  const esbuild = await import('esbuild');
  const outfile = join(root, 'dist', 'bench', 'oursWorker.js');
  mkdirSync(dirname(outfile), { recursive: true });
  await esbuild.build({
    entryPoints: [join(here, 'oursWorker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    external: ['onnxruntime-node'],
    logLevel: 'warning',
  });
  return outfile;
}

function environment(torch, trains) {
  const require = createRequire(import.meta.url);
  const ortVersion = require('onnxruntime-node/package.json').version;
  let uptime = '';
  try {
    uptime = execSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    uptime = `load average ${loadavg().map((x) => x.toFixed(2)).join(', ')}`;
  }
  const reference = trains ? (torch.ok ? `torch ${torch.version} (${PYTHON})` : 'none') : 'the idle server (lsp)';
  console.log(`# ftlab bench — node ${process.version}, onnxruntime-node ${ortVersion}, reference: ${reference}`);
  if (trains) {
    console.log(`# ${availableParallelism()} cores, ${threads} threads per side, batch ${batch} × ${seq}, warm-up ${opt.warmup}, reps ${opt.reps} (eval ${opt['eval-reps']}), dropout ${opt['no-dropout'] ? 'off' : 'on (train mode)'}`);
  } else {
    console.log(`# ${availableParallelism()} cores, ${threads} training threads, ${opt['lsp-edits']} edits per phase`);
  }
  console.log(`# uptime at start: ${uptime}`);
  if (loadavg()[0] > availableParallelism() * 0.5) {
    console.log(`# note: the machine is busy (1-min load ${loadavg()[0].toFixed(2)} on ${availableParallelism()} cores); both sides share that load, absolute times are inflated`);
  }
}

async function checks(worker, torch) {
  console.log('# agreement on the fixture models (max |logits - HF golden|; tolerance 1e-4):');
  try {
    for (const r of await runJsonChild(process.execPath, [worker, '--check', fixtures])) {
      console.log(`#   ours ${r.case.split('/').pop()}: lm ${r.lm_max_err.toExponential(2)}, cls ${r.cls_max_err.toExponential(2)}`);
    }
  } catch (e) {
    console.log(`#   ours: check failed: ${e.message}`);
  }
  if (!torch.ok) return;
  try {
    for (const r of await runJsonChild(PYTHON, ['-B', join(here, 'reference_opt.py'), '--check', fixtures])) {
      const errs = Object.entries(r).filter(([k]) => k.endsWith('_max_err')).map(([k, v]) => `${k.replace('_max_err', '')} ${v.toExponential(2)}`);
      console.log(`#   ref  ${r.case}: ${errs.join(', ')}`);
    }
  } catch (e) {
    console.log(`#   ref: check FAILED — the reference does not compute what HF computes:\n${e.message}`);
  }
}

async function main() {
  const only = opt.only ? opt.only.split(',').map((s) => s.trim()) : undefined;
  const list = workloadList(opt.tiny).filter((w) => !only || only.some((o) => w.label.includes(o)));
  // Torch, the engine worker and the agreement check serve the training workloads only.
  const trains = list.some((w) => w.workload !== 'lsp');
  const torch = opt['no-ref'] || !trains ? { ok: false, reason: trains ? '--no-ref' : 'not needed' } : probeTorch();
  if (!torch.ok && trains && !opt['no-ref']) console.log(`# ${TORCH_HELP} (${torch.reason})`);
  if (torch.warning) console.log(`# warning: ${torch.warning}`);
  environment(torch, trains);
  const worker = trains ? await bundleWorker() : undefined;
  if (trains) await checks(worker, torch);

  const rows = [];
  const lspRows = [];
  for (const w of list) {
    if (w.workload === 'lsp') {
      lspRows.push(await runLspWorkload({ label: w.label, threads, warmup: 3, edits: int('lsp-edits'), load: loadavg()[0], log }));
      continue;
    }
    const spec = {
      workload: w.workload,
      label: w.label,
      model: w.model,
      batch,
      seq,
      warmup: int('warmup'),
      reps: w.workload === 'eval' ? int('eval-reps') : int('reps'),
      threads,
      provider: 'cpu',
      dropout: !opt['no-dropout'],
      numLabels: 2,
      lora: { r: 8, alpha: 16, dropout: 0, targets: ['q_proj', 'v_proj'] },
      lr: 1e-5,
      seed: 1,
    };
    const load = loadavg()[0];
    const side = async (name, command, args) => {
      log(`[bench] ${w.label}: ${name}…`);
      try {
        return (await runJsonChild(command, args, { timeoutMs: 30 * 60_000 })).at(-1);
      } catch (e) {
        log(`[bench] ${w.label}: ${name} failed: ${e.message}`);
        return { error: `${name}: ${e.message.split('\n')[0]}` };
      }
    };
    const ours = await side('ours', process.execPath, [worker, '--spec', JSON.stringify(spec)]);
    const ref = torch.ok ? await side('reference', PYTHON, ['-B', join(here, 'reference_bench.py'), '--spec', JSON.stringify(spec)]) : undefined;
    const row = combine({ ...w, batch, seq, reps: spec.reps }, ours?.error ? undefined : ours, ref?.error ? undefined : ref, threads, load);
    row.errors.push(...[ours?.error, ref?.error].filter(Boolean));
    rows.push(row);
    log(`[bench] ${w.label}: ours ${row.ours_s?.toFixed(3) ?? '—'} s, ref ${row.ref_s?.toFixed(3) ?? '—'} s`);
  }

  console.log('');
  if (rows.length > 0) {
    printTable(rows);
    console.log('\n# what each side computes:');
    for (const r of rows.filter((x, i, a) => a.findIndex((y) => y.ours_computes === x.ours_computes) === i)) {
      console.log(`#   ${r.workload.split(' ').pop()}: ours — ${r.ours_computes}; ref — ${r.ref_computes ?? 'not run'}`);
    }
  }
  if (lspRows.length > 0) {
    if (rows.length > 0) console.log('');
    printLspTable(lspRows);
    console.log('# lsp: milliseconds from an edit to its diagnostics beyond the debounce; idle is the reference, ratio = busy / idle (1 = training costs the editor nothing)');
  }
  console.log(`# uptime at end: ${(() => { try { return execSync('uptime', { encoding: 'utf8' }).trim(); } catch { return loadavg().join(', '); } })()}`);
  if (!torch.ok && trains) console.log(`# reference not run: ${opt['no-ref'] ? '--no-ref' : TORCH_HELP}`);
  console.log('');
  printJsonLines([...rows, ...lspRows]);

  if (opt.profile) {
    const full = list.find((w) => w.workload === 'full');
    if (full) {
      const spec = { workload: 'full', label: full.label, model: full.model, batch, seq, threads, dropout: !opt['no-dropout'], numLabels: 2, lr: 1e-5, seed: 1, lora: { r: 8, alpha: 16, dropout: 0, targets: ['q_proj', 'v_proj'] } };
      const [p] = await runJsonChild(process.execPath, [worker, '--profile', JSON.stringify(spec)]);
      printProfile(p);
    }
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
