// cluster.json in a run folder: what was handed to which scheduler, so `ftlab status <run>` can ask
// the scheduler about it later. One file per run; each submission (the first one and every
// resubmission of failed shards) is appended, never rewritten, so no job id is ever forgotten.

import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SlurmSubmissionRecord {
  scheduler: 'slurm';
  /** Absolute path of the experiment file the shards run. */
  experimentPath: string;
  /** The array job id sbatch printed (without a task suffix). */
  jobId: string;
  /** Shards in the whole run (the N of --shard i/N). */
  shardCount: number;
  /** Shard indices this job runs as array tasks (all of 0..N-1, or a resubmitted few). */
  shardIndices: number[];
  scriptPath: string;
  /** Folder of the per-task logs (slurm-%A_%a.out). */
  logDir: string;
  /** The `--allowed-roots` its shards got (absent: none); a resubmission needs the same ones. */
  allowedRoots?: string[];
  submittedAt: string;
}

export interface K8sSubmissionRecord {
  scheduler: 'k8s';
  /** The experiment file as given on the submitting machine (the pods read a copy). */
  experimentPath: string;
  jobName: string;
  namespace?: string;
  shardCount: number;
  manifestPath: string;
  submittedAt: string;
}

export type SubmissionRecord = SlurmSubmissionRecord | K8sSubmissionRecord;

export interface ClusterRecord {
  runId: string;
  submissions: SubmissionRecord[];
}

export const CLUSTER_RECORD_FILE = 'cluster.json';

export async function readClusterRecord(runDir: string): Promise<ClusterRecord | undefined> {
  let text: string;
  try {
    text = await readFile(join(runDir, CLUSTER_RECORD_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as ClusterRecord;
}

/** The shard count a run was first submitted with, if it was. */
export function recordedShardCount(runDir: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(join(runDir, CLUSTER_RECORD_FILE), 'utf8')) as ClusterRecord).submissions[0]?.shardCount;
  } catch {
    return undefined;
  }
}

export async function appendSubmission(runDir: string, runId: string, submission: SubmissionRecord): Promise<ClusterRecord> {
  await mkdir(runDir, { recursive: true });
  const record = (await readClusterRecord(runDir)) ?? { runId, submissions: [] };
  record.submissions.push(submission);
  // Write then rename: a reader (status polling while we submit) never sees half a file.
  const path = join(runDir, CLUSTER_RECORD_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(record, null, 2) + '\n');
  await rename(tmp, path);
  return record;
}
