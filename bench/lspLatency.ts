// Entry of the bench's "lsp" child process (bundled by bench/lspWorkload.mjs into
// dist/bench/lspLatency.js, beside the server and trainer bundles it starts):
//   --spec <json>   measure, print one JSON line (LspLatencyResult)
//
// How responsive the language server stays while it trains. One server process, as VS Code runs
// it; a ~200 KB experiment file (the one test/reliability/loadWhileTraining.test.ts types in) is
// edited one version after another, and each edit's latency is the time from sending the change to
// receiving its diagnostics, less the server's debounce. First with nothing else to do (idle, the
// reference), then while the same server trains a run in its trainer process (busy). Every edit
// waits for its own diagnostics before the next, so the two phases make the same requests.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cancelRunRequest, startRunRequest } from '../protocol/lsp';
import { DIAGNOSTICS_DEBOUNCE_MS } from '../server/lsp/diagnosticScheduler';
import { experimentYaml, largeExperimentText } from '../test/support/experimentText';
import { startLspClient, type LspSession } from '../test/support/lspClient';

export interface LspLatencySpec {
  /** The bundled server (with trainer.js beside it). */
  serverJs: string;
  /** The model folder the run trains (the shipped tiny OPT). */
  model: string;
  /** onnxruntime threads of the run (the `ftlab.threads` setting). */
  threads: number;
  /** Untimed edits first (the server's code warms up). */
  warmup: number;
  /** Timed edits per phase. */
  edits: number;
}

export interface LspLatencyResult {
  workload: 'lsp';
  /** Per edit, milliseconds from the change to its diagnostics, less the debounce. */
  idle_ms: number[];
  busy_ms: number[];
  debounce_ms: number;
  file_kb: number;
  /** False when the run ended before the last busy edit (the busy figures then mix in idle ones). */
  training_throughout: boolean;
  /** Trials the run finished while the busy edits were made. */
  trials_during_busy: number;
  server_peak_rss_mb?: number;
}

// Long enough that the run is still training when the busy edits end (it is cancelled then).
const RUN = { name: 'bench-lsp', methods: ['vanilla', 'pbft', 'lora'], n: [8, 16], seeds: 5, epochs: 20 };

async function measure(spec: LspLatencySpec, workspace: string): Promise<LspLatencyResult> {
  const models = [spec.model];
  const experimentPath = join(workspace, 'train.ftlab.yaml');
  writeFileSync(experimentPath, experimentYaml({ ...RUN, models }));
  const session = await startLspClient({ serverJs: spec.serverJs, workspace, settings: { threads: spec.threads }, clientVersion: '0.0.0-bench' });
  try {
    const uri = pathToFileURL(join(workspace, 'large.ftlab.yaml')).toString();
    let version = 1;
    await session.open(uri, 'ftlab-experiment', largeExperimentText(version, models), version);
    await session.nextDiagnostics(uri, version, 60_000);
    const edit = async (): Promise<number> => {
      version++;
      const published = session.nextDiagnostics(uri, version, 60_000);
      const sent = performance.now();
      await session.change(uri, largeExperimentText(version, models), version);
      const { diagnostics } = await published;
      const latency = performance.now() - sent - DIAGNOSTICS_DEBOUNCE_MS;
      const errors = diagnostics.filter((d) => d.severity === 1);
      if (errors.length > 0) throw new Error(`edit ${version} should be a valid file: ${errors[0].message}`);
      return latency;
    };
    const edits = async (n: number) => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) times.push(await edit());
      return times;
    };

    await edits(spec.warmup);
    const idle = await edits(spec.edits);

    const run = await session.connection.sendRequest(startRunRequest, { experimentUri: pathToFileURL(experimentPath).toString() });
    // Busy means the trainer is in its optimizer steps, not still loading the model.
    await session.waitProgress((p) => p.runId === run.runId && p.phase === 'train', 120_000);
    const trialsBefore = session.trials.length;
    const busy = await edits(spec.edits);
    const trainingThroughout = !session.finished.some((f) => f.runId === run.runId);
    const trialsDuringBusy = session.trials.length - trialsBefore;

    await session.connection.sendRequest(cancelRunRequest, { runId: run.runId });
    await session.waitFinished(run.runId, 120_000);
    return {
      workload: 'lsp',
      idle_ms: idle,
      busy_ms: busy,
      debounce_ms: DIAGNOSTICS_DEBOUNCE_MS,
      file_kb: Math.round(largeExperimentText(version, models).length / 1024),
      training_throughout: trainingThroughout,
      trials_during_busy: trialsDuringBusy,
      server_peak_rss_mb: serverPeakRssMb(session),
    };
  } finally {
    await session.shutdown();
  }
}

/** The server's peak RSS from /proc (Linux), read before it exits; undefined elsewhere. */
function serverPeakRssMb(session: LspSession): number | undefined {
  try {
    const status = readFileSync(`/proc/${session.child.pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

async function main(argv: string[]): Promise<void> {
  const at = argv.indexOf('--spec');
  if (at < 0) throw new Error('usage: lspLatency.js --spec <json>');
  const spec = JSON.parse(argv[at + 1]) as LspLatencySpec;
  const workspace = mkdtempSync(join(tmpdir(), 'ftlab-bench-lsp-'));
  try {
    console.log(JSON.stringify(await measure(spec, workspace)));
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
