// `ftlab run <experiment>`: validate, train every trial of the grid (or one shard of it) in a
// trainer process, show progress, and exit 0 when every trial finished, 1 when some failed (the
// store is still complete: failed trials are recorded with their reason), 2 on usage or
// validation errors. Run again after a crash or Ctrl-C and it continues the unfinished run.

import { resolve } from 'node:path';
import { PROVIDER_IDS, type ProviderId } from '../../protocol/experiment';
import { defaultResultsDir, ExperimentInvalidError, Runner, type RunHandle } from '../runner';
import { ALLOWED_ROOTS_FLAG, ALLOWED_ROOTS_HELP, allowedRootsOption } from './allowedRootsOption';
import { intFlag, parseArgs, parseShard, stringFlag, UsageError } from './args';
import { formatDiagnostics } from './diagnosticsFormat';
import { ExitCode, type CliIo } from './io';
import { ProgressView } from './progressView';

export const RUN_USAGE = `Usage: ftlab run <experiment.ftlab.yaml> [options]

Trains every trial of the experiment's grid, one after another in a trainer process, and writes
the results store <results-dir>/<run-id>/ (run.json + trials.jsonl). Running the same file again
continues its newest unfinished run: finished trials are never repeated.

Options:
  --shard i/N          run only shard i of N (0-based), e.g. one task of a Slurm job array
  --provider P         auto | cpu | webgpu | cuda (default: the file's provider, else auto)
  --threads N          onnxruntime threads (default: the file's, else $FTLAB_THREADS, else automatic)
  --results-dir D      folder of run stores (default: $FTLAB_RESULTS_DIR, else ./.ftlab/runs)
  --run-id ID          join or create the run with this id (shards of one run share it)
  --new                start a new run even if an unfinished one of this file exists
  --offline            never use the network (like HF_HUB_OFFLINE=1)
${ALLOWED_ROOTS_HELP}
  --help               show this help

Exit status: 0 all trials finished; 1 some trials failed or the run stopped; 2 usage or
validation errors; 130 interrupted (Ctrl-C).
`;

function parseProvider(value: string | undefined): ProviderId | undefined {
  if (value === undefined) return undefined;
  if (!(PROVIDER_IDS as readonly string[]).includes(value)) throw new UsageError(`--provider must be one of ${PROVIDER_IDS.join(', ')}, got "${value}"`);
  return value as ProviderId;
}

function envThreads(env: NodeJS.ProcessEnv): number | undefined {
  const n = Number(env.FTLAB_THREADS);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export async function runCommand(argv: string[], io: CliIo, runner: Runner = new Runner()): Promise<number> {
  const args = parseArgs(argv, ['help', 'new', 'offline'], ['shard', 'provider', 'threads', 'results-dir', 'run-id', ALLOWED_ROOTS_FLAG]);
  if (args.flags.has('help')) {
    io.out(RUN_USAGE);
    return ExitCode.ok;
  }
  if (args.positionals.length !== 1) throw new UsageError('give exactly one experiment file');
  const shardText = stringFlag(args, 'shard');
  const shard = shardText === undefined ? undefined : parseShard(shardText);
  const resultsDirFlag = stringFlag(args, 'results-dir');

  let handle: RunHandle;
  const experimentPath = args.positionals[0];
  try {
    handle = await runner.startRun({
      experimentPath: resolve(io.cwd, experimentPath),
      resultsDir: resultsDirFlag ? resolve(io.cwd, resultsDirFlag) : defaultResultsDir(io.env, io.cwd),
      runId: stringFlag(args, 'run-id'),
      resumeIncomplete: !args.flags.has('new'),
      shard,
      provider: parseProvider(stringFlag(args, 'provider')),
      threads: intFlag(args, 'threads'),
      defaultThreads: envThreads(io.env),
      ...(args.flags.has('offline') ? { hub: { offline: true } } : {}),
      allowedRoots: allowedRootsOption(args, io.env, io.cwd),
    });
  } catch (error) {
    if (error instanceof ExperimentInvalidError) {
      io.err(formatDiagnostics(experimentPath, error.diagnostics));
      return ExitCode.usage;
    }
    throw error;
  }
  if (handle.diagnostics.length > 0) io.err(formatDiagnostics(experimentPath, handle.diagnostics));

  const view = new ProgressView(io);
  const shardNote = handle.shard ? ` (shard ${handle.shard})` : '';
  const already = handle.totalTrials - handle.pendingTrials;
  io.err(
    `${handle.resumed ? 'continuing' : 'starting'} run ${handle.runId}${shardNote}: ${handle.pendingTrials} of ${handle.totalTrials} trials to train` +
      `${already > 0 ? ` (${already} finished earlier)` : ''}\nstore: ${handle.runDir}\n`,
  );
  runner.on('progress', (p) => p.runId === handle.runId && view.progress(p));
  runner.on('trialFinished', (f) => f.runId === handle.runId && view.trialFinished(f.record));
  runner.on('log', (l) => l.runId === handle.runId && view.log(l));

  let interrupts = 0;
  const stopListening = io.onInterrupt(() => {
    interrupts++;
    if (interrupts === 1) {
      view.message('stopping after the current step (press Ctrl-C again to stop at once); finished trials are kept');
      runner.cancelRun(handle.runId);
    } else {
      runner.cancelRun(handle.runId, { force: true });
    }
  });
  const end = await handle.done;
  stopListening();
  view.close();

  io.out(
    `run ${handle.runId}${shardNote} ${end.state}: ${end.finishedTrials} finished, ${end.failedTrials} failed, ${end.totalTrials} in all\n` +
      `report: ftlab report ${handle.runDir}\n`,
  );
  if (end.error) io.err(`error: ${end.error}\n`);
  if (end.state === 'cancelled') {
    io.err(`stopped; run the same command again to continue\n`);
    return interrupts > 0 ? ExitCode.interrupted : ExitCode.failed;
  }
  if (end.state === 'failed') return ExitCode.failed;
  // Every trial of this run (or shard) finished, those of earlier attempts included, or not.
  if (end.finishedTrials < end.totalTrials) {
    io.err(`${end.failedTrials} trial(s) failed; they are recorded in the store and run again on the next run of this command\n`);
    return ExitCode.failed;
  }
  return ExitCode.ok;
}
