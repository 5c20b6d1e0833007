// What Slurm says about the array tasks of a submitted run, from `scontrol -o show job <id>`:
// one line per task record, key=value fields. Tasks that have not started yet share one record
// whose ArrayTaskId is a range ("1-2", "3,5-7%2"), so ranges are expanded here. Slurm forgets a
// job MinJobAge seconds (300 by default) after it ends; such a job is reported as not known.

import { runSchedulerCommand, SchedulerCommandError } from './schedulerCommand';

export interface SlurmTaskStatus {
  /** The array job id (as sbatch printed it). */
  arrayJobId: string;
  /** The array task index, which is the shard index. */
  taskIndex: number;
  /** PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, … */
  state: string;
  /** Why a task waits or ended (`Resources`, `None`, …). */
  reason?: string;
  /** `exit:signal` as Slurm prints it (`0:0`, `3:0`, `0:15`). */
  exitCode?: string;
}

export interface SlurmJobStatus {
  arrayJobId: string;
  /** False when Slurm no longer (or never) knew the job. */
  known: boolean;
  tasks: SlurmTaskStatus[];
}

/** States after which a task will not run again by itself. */
export const SLURM_ENDED_STATES = new Set([
  'COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE',
]);

/** Expands an ArrayTaskId value: `4`, `0-2`, `1,3-5`, `0-9:2`, with an optional `%limit` suffix. */
export function expandTaskRange(text: string): number[] {
  const body = text.replace(/%\d+$/, '');
  const out: number[] = [];
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (!m) throw new Error(`unexpected ArrayTaskId ${JSON.stringify(text)}`);
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    const step = m[3] === undefined ? 1 : Number(m[3]);
    for (let i = first; i <= last; i += step) out.push(i);
  }
  return out;
}

function field(line: string, name: string): string | undefined {
  // Fields are space separated and the ones read here come before any path (which could hold
  // spaces), so the first `Name=` match is the field itself.
  const m = new RegExp(`(?:^|\\s)${name}=(\\S*)`).exec(line);
  return m ? m[1] : undefined;
}

export function parseScontrolJobs(stdout: string, arrayJobId: string): SlurmTaskStatus[] {
  const tasks: SlurmTaskStatus[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const taskIds = field(line, 'ArrayTaskId');
    const state = field(line, 'JobState');
    if (taskIds === undefined || state === undefined) continue; // not an array task record
    const reason = field(line, 'Reason');
    const exitCode = field(line, 'ExitCode');
    for (const taskIndex of expandTaskRange(taskIds)) {
      tasks.push({ arrayJobId: field(line, 'ArrayJobId') ?? arrayJobId, taskIndex, state, reason, exitCode });
    }
  }
  return tasks.sort((a, b) => a.taskIndex - b.taskIndex);
}

export async function querySlurmJob(arrayJobId: string): Promise<SlurmJobStatus> {
  try {
    const { stdout } = await runSchedulerCommand('scontrol', ['-o', 'show', 'job', arrayJobId]);
    return { arrayJobId, known: true, tasks: parseScontrolJobs(stdout, arrayJobId) };
  } catch (err) {
    if (err instanceof SchedulerCommandError && /Invalid job id/i.test(err.stderr)) {
      return { arrayJobId, known: false, tasks: [] };
    }
    throw err;
  }
}

/** Cancels one array task (a shard), or the whole array when no index is given. */
export async function cancelSlurmTask(arrayJobId: string, taskIndex?: number): Promise<void> {
  await runSchedulerCommand('scancel', [taskIndex === undefined ? arrayJobId : `${arrayJobId}_${taskIndex}`]);
}
