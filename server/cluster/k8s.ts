// `ftlab submit k8s`: a Kubernetes Indexed Job for a sharded run. Pod i runs shard i
// (`--shard $(JOB_COMPLETION_INDEX)/N`), every pod writes into one results folder on a
// PersistentVolumeClaim, and the experiment file travels with the manifest as a ConfigMap, so the
// image only needs ftlab itself. Written as YAML (two documents: ConfigMap, Job) for `kubectl apply -f`.
//
// Needs Kubernetes 1.29+ (backoffLimitPerIndex on by default; GA in 1.33): each index retries on
// its own, so one failing shard neither stops the others nor reruns them.

import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { appendSubmission, type K8sSubmissionRecord } from './clusterRecord';
import { checkRunId, DEFAULT_RESULTS_DIR, newRunId } from './runFolder';

/** What `ftlab submit k8s <experiment> --shards N --image I [--pvc NAME] …` passes in. */
export interface K8sJobOptions {
  experimentPath: string;
  shards: number;
  /** Container image with ftlab installed (its `ftlab` on PATH unless `command` says otherwise). */
  image: string;
  runId?: string;
  /** The experiment's `name`, for a fresh run id (default: the file name). */
  runName?: string;
  /** PersistentVolumeClaim holding the results folder (`--pvc`, default `ftlab-results`). */
  pvc?: string;
  /** Pods at once (default: all shards). */
  parallelism?: number;
  namespace?: string;
  /** CPU request and limit per pod (default 2); also each shard's thread count. */
  cpu?: number;
  /** Memory request and limit per pod (default 8Gi). */
  memory?: string;
  /** nvidia.com/gpu per pod (default none). */
  gpus?: number;
  /** Retries of each index before it counts as failed (default 1). */
  backoffLimitPerIndex?: number;
  /** How the image starts ftlab (default ["ftlab"]). */
  command?: string[];
  /** Where cwd-relative paths start (default process.cwd()). */
  cwd?: string;
}

export interface K8sPlan {
  runId: string;
  jobName: string;
  documents: [configMap: Record<string, unknown>, job: Record<string, unknown>];
  yaml: string;
  experimentPath: string;
  shardCount: number;
  namespace?: string;
}

export const RESULTS_MOUNT = '/results';
export const EXPERIMENT_MOUNT = '/etc/ftlab/experiment';
export const EXPERIMENT_KEY = 'experiment.ftlab.yaml';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$/;

/** Kubernetes names: lower-case letters, digits and '-', starting and ending alphanumeric. */
export function kubernetesName(text: string, maxLength = 63): string {
  const name = text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, maxLength).replace(/^-+|-+$/g, '');
  if (!DNS_LABEL.test(name)) throw new Error(`cannot make a Kubernetes name from ${JSON.stringify(text)}`);
  return name;
}

/**
 * Kubernetes expands `$(VAR)` in command and args, and `$$` is its escape for `$`: a user string
 * must not be expanded, so every `$` in it is doubled.
 */
export function escapeKubernetesVars(text: string): string {
  return text.replace(/\$/g, '$$$$');
}

function check(options: K8sJobOptions): void {
  const positive = (v: number | undefined, what: string) => {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new Error(`k8s: ${what} must be a positive integer, got ${v}`);
  };
  positive(options.shards, '--shards');
  positive(options.parallelism, 'parallelism');
  positive(options.cpu, 'cpu');
  positive(options.gpus, 'gpus');
  if (options.backoffLimitPerIndex !== undefined && (!Number.isInteger(options.backoffLimitPerIndex) || options.backoffLimitPerIndex < 0)) {
    throw new Error('k8s: backoffLimitPerIndex must be a non-negative integer');
  }
  if (!options.image || /\s/.test(options.image)) throw new Error(`k8s: --image must be an image reference, got ${JSON.stringify(options.image)}`);
  if (options.memory !== undefined && !QUANTITY.test(options.memory)) throw new Error(`k8s: memory must be a quantity like 8Gi, got ${JSON.stringify(options.memory)}`);
  if (options.pvc !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(options.pvc)) throw new Error(`k8s: --pvc must be a claim name, got ${JSON.stringify(options.pvc)}`);
  if (options.namespace !== undefined && !DNS_LABEL.test(options.namespace)) throw new Error(`k8s: not a namespace name: ${JSON.stringify(options.namespace)}`);
}

export function planK8sJob(options: K8sJobOptions): K8sPlan {
  check(options);
  const experimentPath = resolve(options.cwd ?? process.cwd(), options.experimentPath);
  if (!existsSync(experimentPath)) throw new Error(`experiment file not found: ${experimentPath}`);
  const runId = options.runId ?? newRunId(experimentPath, options.runName);
  checkRunId(runId);
  const n = options.shards;
  const jobName = kubernetesName(`ftlab-${runId}`);
  const configName = kubernetesName(`${jobName.slice(0, 56)}-exp`);
  const cpu = String(options.cpu ?? 2);
  const memory = options.memory ?? '8Gi';
  const limits: Record<string, string> = { cpu, memory };
  if (options.gpus) limits['nvidia.com/gpu'] = String(options.gpus);
  const metadata = (name: string) => ({
    name,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    labels: { 'app.kubernetes.io/name': 'ftlab', 'app.kubernetes.io/instance': jobName },
    // The run id as given (labels cannot hold every character a run id may have).
    annotations: { 'ftlab/run-id': runId, 'ftlab/experiment': basename(experimentPath) },
  });
  // One thread per CPU of the pod's limit, read through the downward API.
  const threads = { resourceFieldRef: { containerName: 'shard', resource: 'limits.cpu', divisor: '1' } };

  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(configName),
    data: { [EXPERIMENT_KEY]: readFileSync(experimentPath, 'utf8') },
  };
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(jobName),
    spec: {
      completionMode: 'Indexed',
      completions: n,
      parallelism: Math.min(options.parallelism ?? n, n),
      backoffLimitPerIndex: options.backoffLimitPerIndex ?? 1,
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'ftlab', 'app.kubernetes.io/instance': jobName } },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'shard',
              image: options.image,
              command: (options.command ?? ['ftlab']).map(escapeKubernetesVars),
              args: [
                'run', `${EXPERIMENT_MOUNT}/${EXPERIMENT_KEY}`,
                '--shard', `$(JOB_COMPLETION_INDEX)/${n}`,
                '--results-dir', RESULTS_MOUNT,
                '--run-id', escapeKubernetesVars(runId),
              ],
              env: [
                { name: 'FTLAB_THREADS', valueFrom: threads },
                { name: 'OMP_NUM_THREADS', valueFrom: threads },
              ],
              resources: { requests: { cpu, memory }, limits },
              volumeMounts: [
                { name: 'results', mountPath: RESULTS_MOUNT },
                { name: 'experiment', mountPath: EXPERIMENT_MOUNT, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'results', persistentVolumeClaim: { claimName: options.pvc ?? 'ftlab-results' } },
            { name: 'experiment', configMap: { name: configName } },
          ],
        },
      },
    },
  };
  // No anchors/aliases for repeated objects: plain YAML every tool reads the same way.
  const yaml = [configMap, job].map((doc) => stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 })).join('---\n');
  return { runId, jobName, documents: [configMap, job], yaml, experimentPath, shardCount: n, namespace: options.namespace };
}

/**
 * Writes the manifest into the run folder (default .ftlab/runs/<run-id>/k8s-job.yaml) and records
 * it in cluster.json. Applying it is `kubectl apply -f <path>`, left to the user's kube context.
 */
export async function writeK8sJob(plan: K8sPlan, resultsDir = DEFAULT_RESULTS_DIR, cwd = process.cwd()): Promise<{ manifestPath: string; record: K8sSubmissionRecord }> {
  const runDir = join(resolve(cwd, resultsDir), plan.runId);
  await mkdir(runDir, { recursive: true });
  const manifestPath = join(runDir, 'k8s-job.yaml');
  await writeFile(manifestPath, plan.yaml);
  const record: K8sSubmissionRecord = {
    scheduler: 'k8s',
    experimentPath: plan.experimentPath,
    jobName: plan.jobName,
    ...(plan.namespace ? { namespace: plan.namespace } : {}),
    shardCount: plan.shardCount,
    manifestPath,
    submittedAt: new Date().toISOString(),
  };
  await appendSubmission(runDir, plan.runId, record);
  return { manifestPath, record };
}
