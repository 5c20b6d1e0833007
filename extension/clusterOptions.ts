// The answers "Run Fine-Tune Comparison on Cluster…" asks for, checked as they are typed, and the
// ftlab/submitCluster parameters made from them. Pure (no `vscode`), so it is unit-tested. The
// server checks everything again (server/cluster); these checks only catch typos before a submit.

import type { ClusterScheduler, SubmitClusterParams } from '../protocol/lsp';

export interface ClusterAnswers {
  scheduler: ClusterScheduler;
  /** The texts as typed; empty means "the default". */
  shards: string;
  partition?: string;
  gpusPerTask?: string;
  time?: string;
  image?: string;
  pvc?: string;
}

/** Returns undefined when fine, else the message the input box shows. */
export type InputCheck = (text: string) => string | undefined;

// Slurm's forms, as sbatch accepts them (the server's sbatch script renderer uses the same ones).
const PARTITION = /^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$/;
const GPUS = /^([A-Za-z0-9_.-]+:)?[1-9]\d*$/;
const TIME = /^(\d+|\d+:\d+|\d+:\d+:\d+|\d+-\d+|\d+-\d+:\d+|\d+-\d+:\d+:\d+|UNLIMITED|INFINITE)$/i;
// A PersistentVolumeClaim name (DNS subdomain).
const CLAIM = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** More array tasks than this is almost certainly a typo (Slurm's default MaxArraySize is 1001). */
export const MAX_SHARDS = 1000;

export const checkShards: InputCheck = (text) => {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) < 1) return 'A positive whole number: how many array tasks (or pods) share the grid.';
  if (Number(t) > MAX_SHARDS) return `At most ${MAX_SHARDS} shards.`;
  return undefined;
};

const optional = (pattern: RegExp, message: string): InputCheck => (text) => (text.trim() === '' || pattern.test(text.trim()) ? undefined : message);

export const checkPartition = optional(PARTITION, 'A partition name, or a comma list of them (letters, digits, . _ -).');
export const checkGpusPerTask = optional(GPUS, 'A count like 1, or type:count like a100:1.');
export const checkTime = optional(TIME, 'A Slurm time: minutes, HH:MM:SS, D-HH, D-HH:MM … or UNLIMITED.');
export const checkPvc = optional(CLAIM, 'A claim name: lower-case letters, digits, - and . (e.g. ftlab-results).');

export const checkImage: InputCheck = (text) => {
  const t = text.trim();
  if (t === '') return 'The container image with ftlab installed, e.g. registry.example/ftlab:0.1.0.';
  if (/\s/.test(t)) return 'An image reference has no spaces.';
  return undefined;
};

/** The request for the answers; throws on an answer the checks above would refuse. */
export function submitParams(experimentUri: string, answers: ClusterAnswers, dryRun = false): SubmitClusterParams {
  const problem = (check: InputCheck, text: string | undefined) => (text === undefined ? undefined : check(text));
  const slurm = answers.scheduler === 'slurm';
  const problems = [
    checkShards(answers.shards),
    ...(slurm
      ? [problem(checkPartition, answers.partition), problem(checkGpusPerTask, answers.gpusPerTask), problem(checkTime, answers.time)]
      : [checkImage(answers.image ?? ''), problem(checkPvc, answers.pvc)]),
  ].filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new Error(problems.join(' '));
  const given = (text: string | undefined) => (text?.trim() ? text.trim() : undefined);
  const gpus = given(answers.gpusPerTask);
  return {
    experimentUri,
    scheduler: answers.scheduler,
    shards: Number(answers.shards.trim()),
    ...(slurm
      ? {
          ...(given(answers.partition) ? { partition: given(answers.partition) } : {}),
          ...(gpus ? { gpusPerTask: /^\d+$/.test(gpus) ? Number(gpus) : gpus } : {}),
          ...(given(answers.time) ? { time: given(answers.time) } : {}),
        }
      : { image: given(answers.image), ...(given(answers.pvc) ? { pvc: given(answers.pvc) } : {}) }),
    ...(dryRun ? { dryRun } : {}),
  };
}

/** `kubectl apply -f <path>` with the path quoted for a POSIX shell when it needs it. */
export function kubectlApplyCommand(manifestPath: string): string {
  const quoted = /^[A-Za-z0-9_./:@%+=,-]+$/.test(manifestPath) ? manifestPath : `'${manifestPath.replace(/'/g, `'\\''`)}'`;
  return `kubectl apply -f ${quoted}`;
}
