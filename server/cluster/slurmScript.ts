// The sbatch script of a sharded run: one job array, one array task per shard, every task running
// `ftlab run <experiment> --shard $SLURM_ARRAY_TASK_ID/N` into one shared results folder.
//
// Two kinds of text end up in the script, and each is made safe its own way:
// - #SBATCH lines are read by sbatch itself, not by a shell. Values there are checked against what
//   Slurm accepts (partition names, time formats) and the log path is double-quoted, which sbatch
//   honours; characters sbatch cannot quote (", \, newline) or that it would expand (%) are refused.
// - The command line is read by bash: every user string is single-quoted (shellQuote.ts).

import { delimiter, isAbsolute } from 'node:path';
import { shellCommand, shellQuote } from './shellQuote';

export interface SlurmScriptInput {
  /** Absolute path of the experiment file, as every node sees it. */
  experimentPath: string;
  /** Absolute path of the shared results folder. */
  resultsDir: string;
  runId: string;
  /** Shards in the whole run (N). */
  shardCount: number;
  /** Array task indices to run: all of 0..N-1 for a fresh run, a few for a resubmission. */
  shardIndices: readonly number[];
  /** Absolute path of the ftlab CLI bundle (dist/cli.js). */
  cliPath: string;
  /** How the compute node starts Node.js; `node` from the job's PATH unless given. */
  nodeCommand: string;
  /** Absolute folder for slurm-%A_%a.out. */
  logDir: string;
  jobName: string;
  partition?: string;
  /** GPUs per task: a count, or `type:count` (e.g. `a100:1`). */
  gpusPerTask?: number | string;
  cpusPerTask: number;
  /** Slurm time limit (`MM`, `HH:MM:SS`, `D-HH:MM`, …). */
  time?: string;
  /** At most this many array tasks run at once (`--array=…%M`). */
  maxConcurrent?: number;
  /**
   * Absolute folders beyond the defaults that the experiment may read, passed to every shard as
   * `--allowed-roots`: on the command line rather than through $FTLAB_ALLOWED_ROOTS, because sites
   * that set SBATCH_EXPORT=NONE (or a shell profile on the node) would change the environment, and
   * the shards must check the file against exactly the folders the submission was checked against.
   */
  allowedRoots?: readonly string[];
}

const PARTITION = /^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$/;
// Slurm's accepted forms: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S, and the two spellings of no limit.
const TIME = /^(\d+|\d+:\d+|\d+:\d+:\d+|\d+-\d+|\d+-\d+:\d+|\d+-\d+:\d+:\d+|UNLIMITED|INFINITE)$/i;
const GPUS = /^([A-Za-z0-9_.-]+:)?[1-9]\d*$/;
const JOB_NAME = /^[A-Za-z0-9_.-]+$/;

export function checkSlurmScriptInput(input: SlurmScriptInput): void {
  const fail = (what: string) => {
    throw new Error(`slurm: ${what}`);
  };
  if (!Number.isInteger(input.shardCount) || input.shardCount < 1) fail(`shard count must be a positive integer, got ${input.shardCount}`);
  if (input.shardIndices.length === 0) fail('no shard to run');
  for (const i of input.shardIndices) {
    if (!Number.isInteger(i) || i < 0 || i >= input.shardCount) fail(`shard index ${i} is outside 0..${input.shardCount - 1}`);
  }
  for (const [name, path] of [['experiment', input.experimentPath], ['results folder', input.resultsDir], ['CLI', input.cliPath], ['log folder', input.logDir]] as const) {
    if (!isAbsolute(path)) fail(`${name} path must be absolute (array tasks do not start in this folder): ${path}`);
  }
  if (/["\\%\n\r\0]/.test(input.logDir)) fail(`log folder may not contain ", \\, % or a newline (sbatch reads it unquoted): ${JSON.stringify(input.logDir)}`);
  if (!JOB_NAME.test(input.jobName)) fail(`job name may only hold letters, digits, '.', '_', '-': ${JSON.stringify(input.jobName)}`);
  if (input.partition !== undefined && !PARTITION.test(input.partition)) fail(`not a partition name (or comma list): ${JSON.stringify(input.partition)}`);
  if (input.time !== undefined && !TIME.test(input.time)) fail(`not a Slurm time limit (M, H:M:S, D-H:M, …): ${JSON.stringify(input.time)}`);
  if (input.gpusPerTask !== undefined && !GPUS.test(String(input.gpusPerTask))) fail(`--gpus-per-task must be N or type:N, got ${JSON.stringify(input.gpusPerTask)}`);
  if (!Number.isInteger(input.cpusPerTask) || input.cpusPerTask < 1) fail(`--cpus-per-task must be a positive integer, got ${input.cpusPerTask}`);
  if (input.maxConcurrent !== undefined && (!Number.isInteger(input.maxConcurrent) || input.maxConcurrent < 1)) fail(`max concurrent tasks must be a positive integer`);
  if (input.nodeCommand === '' || /[\n\r\0]/.test(input.nodeCommand)) fail('node command may not be empty or hold a newline');
  for (const root of input.allowedRoots ?? []) {
    if (!isAbsolute(root)) fail(`allowed folder must be absolute (array tasks do not start in this folder): ${root}`);
    // The shard splits its --allowed-roots at the delimiter: a folder holding one would arrive as two.
    if (root.includes(delimiter) || /[\n\r\0]/.test(root)) fail(`allowed folder may not contain '${delimiter}' or a newline: ${JSON.stringify(root)}`);
  }
}

/** `0-2` for a contiguous run of indices, `1,4,7` otherwise (sbatch accepts both). */
export function arraySpec(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const contiguous = sorted.every((v, k) => k === 0 || v === sorted[k - 1] + 1);
  if (contiguous && sorted.length > 1) return `${sorted[0]}-${sorted[sorted.length - 1]}`;
  return sorted.join(',');
}

export function renderSlurmScript(input: SlurmScriptInput): string {
  checkSlurmScriptInput(input);
  const array = arraySpec(input.shardIndices) + (input.maxConcurrent ? `%${input.maxConcurrent}` : '');
  const directives = [
    `--job-name=${input.jobName}`,
    `--array=${array}`,
    `--output="${input.logDir}/slurm-%A_%a.out"`,
    '--ntasks=1',
    `--cpus-per-task=${input.cpusPerTask}`,
    input.partition && `--partition=${input.partition}`,
    input.gpusPerTask !== undefined && `--gpus-per-task=${input.gpusPerTask}`,
    input.time && `--time=${input.time}`,
  ].filter((d): d is string => typeof d === 'string');

  const run = [
    // The node command is one word the user chose (a path, or `node`); quoting keeps it one word.
    shellQuote(input.nodeCommand),
    shellCommand([input.cliPath, 'run', input.experimentPath]),
    // Only the task id is left for bash to expand; it is a number Slurm sets.
    `--shard "\${SLURM_ARRAY_TASK_ID}/${input.shardCount}"`,
    shellCommand(['--results-dir', input.resultsDir, '--run-id', input.runId]),
    input.allowedRoots?.length && shellCommand(['--allowed-roots', input.allowedRoots.join(delimiter)]),
  ]
    .filter((part): part is string => typeof part === 'string')
    .join(' ');

  return [
    '#!/bin/bash',
    `# Fine-Tune Lab run ${JSON.stringify(input.runId)}: ${input.shardCount} shard(s), one job-array task per shard.`,
    '# Every task writes its own trials file into the shared run folder; the files merge by trial key.',
    '# Rerun one shard after a failure with: sbatch --array=<i> <this script>',
    ...directives.map((d) => `#SBATCH ${d}`),
    '',
    'set -euo pipefail',
    '',
    '# As many compute threads as CPUs Slurm granted this task (onnxruntime and BLAS would otherwise',
    '# size their pools by the whole node and fight the other tasks placed on it).',
    'export FTLAB_THREADS="${SLURM_CPUS_PER_TASK:-1}"',
    'export OMP_NUM_THREADS="$FTLAB_THREADS"',
    '',
    'echo "ftlab shard ${SLURM_ARRAY_TASK_ID}/' + input.shardCount + ' on $(hostname) (job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}, ${FTLAB_THREADS} thread(s))"',
    `exec ${run}`,
    '',
  ].join('\n');
}
