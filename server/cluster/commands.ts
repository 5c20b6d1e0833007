// The cluster commands of the `ftlab` CLI, ready to be dispatched from server/cli:
//   ftlab submit slurm <experiment> [--shards N] [--partition P] [--gpus-per-task G] [--cpus-per-task C]
//                      [--time T] [--log-dir D] [--results-dir R] [--max-concurrent M]
//                      [--run-id ID --shard-indices i,j] [--node PATH] [--allowed-roots D] [--dry-run]
//   ftlab submit k8s <experiment> --shards N --image I [--pvc NAME] [--parallelism P] [--cpu C]
//                    [--memory M] [--gpus G] [--namespace NS] [--results-dir R] [--run-id ID] [--dry-run]
//   ftlab status <run> [--results-dir R] [--pending] [--no-scheduler]
// Each takes the arguments after its command words. The experiment is validated with the same
// parser the runner uses before anything goes to a cluster: a mistake found after a queue wait of
// hours is the expensive kind. For Slurm that includes the allowed-roots rule of `ftlab run`, since
// the shards run `ftlab run` on the same file from the same paths; a Kubernetes pod reads a copy of
// the file in its own filesystem, so the submitting machine's folders say nothing about it.

import { resolve } from 'node:path';
import { DiagnosticSeverity, type ExperimentParseResult } from '../../protocol/experiment';
import { ALLOWED_ROOTS_FLAG, allowedRootsOption } from '../cli/allowedRootsOption';
import { intFlag, parseArgs, stringFlag, UsageError } from '../cli/args';
import { formatDiagnostic } from '../cli/diagnosticsFormat';
import { loadExperimentFile } from '../core/experiment/parse';
import { planK8sJob, writeK8sJob } from './k8s';
import { DEFAULT_RESULTS_DIR } from './runFolder';
import { planSlurmRun, submitSlurmRun } from './slurm';
import { checkForSlurmSubmission } from './submitCheck';
import { readRunStatus, resolveRunDir } from './status';
import { formatRunStatus } from './statusFormat';

export interface ClusterCommandContext {
  /** Absolute path of the running CLI bundle (dist/cli.js): what the shards run. */
  cliPath: string;
  print(text: string): void;
  cwd?: string;
  /** Where $FTLAB_ALLOWED_ROOTS is read (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Throws a UsageError listing the experiment's errors, each line as `ftlab run` prints it, so the
 * refusal reads the same whichever command met it. Returns the experiment's name.
 */
function experimentName(path: string, result: ExperimentParseResult): string {
  if (!result.spec) {
    const errors = result.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => formatDiagnostic(path, d));
    throw new UsageError(`the experiment has errors; nothing was submitted:\n${errors.join('\n')}`);
  }
  return result.spec.name;
}

function one(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`expected exactly one ${what}, got ${positionals.length}`);
  return positionals[0];
}

function shardIndices(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+(,\d+)*$/.test(text)) throw new UsageError(`--shard-indices takes a comma list like 1,4, got "${text}"`);
  return text.split(',').map(Number);
}

export async function submitSlurmCommand(argv: string[], ctx: ClusterCommandContext): Promise<void> {
  const args = parseArgs(
    argv,
    ['dry-run'],
    ['shards', 'partition', 'gpus-per-task', 'cpus-per-task', 'time', 'log-dir', 'results-dir', 'max-concurrent', 'run-id', 'shard-indices', 'node', ALLOWED_ROOTS_FLAG],
  );
  const cwd = ctx.cwd ?? process.cwd();
  const experimentPath = one(args.positionals, 'experiment file');
  const indices = shardIndices(stringFlag(args, 'shard-indices'));
  if (indices && !args.flags.has('run-id')) throw new UsageError('--shard-indices resubmits shards of an existing run: give its --run-id too');
  const gpus = stringFlag(args, 'gpus-per-task');
  const allowedRoots = allowedRootsOption(args, ctx.env ?? process.env, cwd);
  const plan = planSlurmRun({
    experimentPath,
    runName: experimentName(experimentPath, checkForSlurmSubmission(resolve(cwd, experimentPath), allowedRoots)),
    allowedRoots,
    shards: intFlag(args, 'shards'),
    partition: stringFlag(args, 'partition'),
    gpusPerTask: gpus !== undefined && /^\d+$/.test(gpus) ? Number(gpus) : gpus,
    cpusPerTask: intFlag(args, 'cpus-per-task'),
    time: stringFlag(args, 'time'),
    logDir: stringFlag(args, 'log-dir'),
    resultsDir: stringFlag(args, 'results-dir'),
    maxConcurrent: intFlag(args, 'max-concurrent'),
    runId: stringFlag(args, 'run-id'),
    shardIndices: indices,
    nodeCommand: stringFlag(args, 'node'),
    cliPath: ctx.cliPath,
    cwd,
  });
  if (args.flags.has('dry-run')) {
    ctx.print(plan.script);
    return;
  }
  const submitted = await submitSlurmRun(plan);
  const n = plan.input.shardIndices.length;
  ctx.print(
    `${submitted.jobId}\n` +
      `submitted Slurm job ${submitted.jobId}: run ${plan.runId}, ${n} array task(s) of ${plan.input.shardCount} shard(s)\n` +
      `results: ${plan.runDir}\nlogs:    ${plan.input.logDir}/slurm-${submitted.jobId}_<shard>.out\n` +
      `follow:  ftlab status ${plan.runId}${plan.input.resultsDir === resolve(cwd, DEFAULT_RESULTS_DIR) ? '' : ` --results-dir ${plan.input.resultsDir}`}\n`,
  );
}

export async function submitK8sCommand(argv: string[], ctx: ClusterCommandContext): Promise<void> {
  const args = parseArgs(argv, ['dry-run'], ['shards', 'image', 'pvc', 'parallelism', 'cpu', 'memory', 'gpus', 'namespace', 'results-dir', 'run-id']);
  const cwd = ctx.cwd ?? process.cwd();
  const experimentPath = one(args.positionals, 'experiment file');
  const shards = intFlag(args, 'shards');
  const image = stringFlag(args, 'image');
  if (shards === undefined || image === undefined) throw new UsageError('ftlab submit k8s needs --shards N and --image I');
  const plan = planK8sJob({
    experimentPath,
    runName: experimentName(experimentPath, loadExperimentFile(resolve(cwd, experimentPath))),
    shards,
    image,
    pvc: stringFlag(args, 'pvc'),
    parallelism: intFlag(args, 'parallelism'),
    cpu: intFlag(args, 'cpu'),
    memory: stringFlag(args, 'memory'),
    gpus: intFlag(args, 'gpus'),
    namespace: stringFlag(args, 'namespace'),
    runId: stringFlag(args, 'run-id'),
    cwd,
  });
  if (args.flags.has('dry-run')) {
    ctx.print(plan.yaml);
    return;
  }
  const { manifestPath } = await writeK8sJob(plan, stringFlag(args, 'results-dir') ?? DEFAULT_RESULTS_DIR, cwd);
  ctx.print(`wrote ${manifestPath} (run ${plan.runId}, ${shards} shard(s))\nsubmit it with: kubectl apply -f ${manifestPath}\n`);
}

export async function statusCommand(argv: string[], ctx: Pick<ClusterCommandContext, 'print' | 'cwd'>): Promise<void> {
  const args = parseArgs(argv, ['pending', 'no-scheduler'], ['results-dir']);
  const runDir = resolveRunDir(one(args.positionals, 'run (id or folder)'), stringFlag(args, 'results-dir') ?? DEFAULT_RESULTS_DIR, ctx.cwd ?? process.cwd());
  const status = await readRunStatus(runDir, { queryScheduler: !args.flags.has('no-scheduler') });
  ctx.print(formatRunStatus(status, { listPending: args.flags.has('pending') }));
}
