// The `ftlab` command table: each subcommand parses its own arguments and returns an exit code.
// Usage mistakes (UsageError) exit 2 with the message and a pointer to --help; any other error
// exits 1 with its message (no stack trace unless FTLAB_DEBUG is set).

import { statusCommand, submitK8sCommand, submitSlurmCommand } from '../cluster/commands';
import { defaultResultsDir } from '../runner';
import { ALLOWED_ROOTS_HELP } from './allowedRootsOption';
import { UsageError } from './args';
import { ExitCode, type CliIo } from './io';
import { reportCommand } from './reportCommand';
import { runCommand } from './runCommand';

interface Command {
  summary: string;
  run(argv: string[], io: CliIo, context: CliContext): Promise<number>;
}

export interface CliContext {
  /** Absolute path of the running CLI script (dist/cli.js): what cluster shards run. */
  cliPath: string;
}

const STATUS_USAGE = `Usage: ftlab status <run-id | run-dir> [--results-dir D] [--pending] [--no-scheduler]

Finished, failed, running and pending trials of a run, across its shards, and the state of its
Slurm array tasks when it was submitted to Slurm.
`;

const SUBMIT_USAGE = `Usage:
  ftlab submit slurm <experiment> [--shards N] [--partition P] [--gpus-per-task G] [--cpus-per-task C]
                     [--time T] [--log-dir D] [--results-dir R] [--max-concurrent M]
                     [--run-id ID --shard-indices i,j] [--node PATH] [--allowed-roots D] [--dry-run]
  ftlab submit k8s <experiment> --shards N --image I [--pvc NAME] [--parallelism P] [--cpu C]
                   [--memory M] [--gpus G] [--namespace NS] [--results-dir R] [--run-id ID] [--dry-run]

Hands the experiment's grid to a cluster scheduler, one shard per array task (Slurm) or per
completion index (Kubernetes Indexed Job); every shard writes into one shared run folder.
--dry-run prints the sbatch script or the manifest instead of submitting.

A Slurm submission is checked as \`ftlab run\` checks the file, the folders models and data may be
read from included, and refused before anything is submitted; every shard gets the same folders.
${ALLOWED_ROOTS_HELP}
`;

/** The cluster commands read $FTLAB_RESULTS_DIR the way the others do. */
function withResultsDir(argv: string[], io: CliIo): string[] {
  if (argv.some((a) => a === '--results-dir' || a.startsWith('--results-dir=')) || !io.env.FTLAB_RESULTS_DIR) return argv;
  return [...argv, '--results-dir', defaultResultsDir(io.env, io.cwd)];
}

function hasHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

function help(io: CliIo, usage: string): number {
  io.out(usage);
  return ExitCode.ok;
}

const COMMANDS: Record<string, Command> = {
  run: { summary: 'train every trial of an experiment (or one shard of it)', run: (argv, io) => runCommand(argv, io) },
  report: { summary: 'method × n tables of a run (or JSON, CSV, HTML)', run: (argv, io) => reportCommand(argv, io) },
  status: {
    summary: 'where a run stands, across shards and Slurm tasks',
    run: async (argv, io) => {
      if (hasHelp(argv)) return help(io, STATUS_USAGE);
      await statusCommand(withResultsDir(argv, io), { print: io.out, cwd: io.cwd });
      return ExitCode.ok;
    },
  },
  submit: {
    summary: 'run an experiment on Slurm or Kubernetes, sharded',
    run: async (argv, io, context) => {
      if (hasHelp(argv)) return help(io, SUBMIT_USAGE);
      const [scheduler, ...rest] = argv;
      const ctx = { cliPath: context.cliPath, print: io.out, cwd: io.cwd, env: io.env };
      if (scheduler === 'slurm') await submitSlurmCommand(withResultsDir(rest, io), ctx);
      else if (scheduler === 'k8s') await submitK8sCommand(withResultsDir(rest, io), ctx);
      else throw new UsageError(`ftlab submit takes slurm or k8s, not ${scheduler === undefined ? 'nothing' : `"${scheduler}"`}`);
      return ExitCode.ok;
    },
  },
  'check-model': {
    summary: 'load a model and tokenizer and show what they predict',
    // Loaded on demand: it is the only command that needs onnxruntime's native binding in this process.
    run: async (argv, io) => (await import('./checkModelCommand')).checkModelCommand(argv, io),
  },
};

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}   ${c.summary}`);
  return `Usage: ftlab <command> [options]   (ftlab <command> --help for its options)

Fine-Tune Lab: compare fine-tuning methods for OPT models in few-shot settings.

Commands:
${lines.join('\n')}

Results go to $FTLAB_RESULTS_DIR, else ./.ftlab/runs.
`;
}

export async function runCli(argv: string[], io: CliIo, context: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview());
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`ftlab: unknown command "${name}"\n\n${overview()}`);
    return ExitCode.usage;
  }
  try {
    return await command.run(rest, io, context);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`ftlab ${name}: ${error.message}\n(see ftlab ${name} --help)\n`);
      return ExitCode.usage;
    }
    io.err(`ftlab ${name}: ${io.env.FTLAB_DEBUG ? ((error as Error).stack ?? String(error)) : ((error as Error).message ?? String(error))}\n`);
    return ExitCode.failed;
  }
}
