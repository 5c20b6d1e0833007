// Scale-out to existing schedulers: Slurm job arrays and Kubernetes Indexed Jobs, one shard per
// array task / pod, all writing one run folder whose trial logs merge by key; and `ftlab status`.
// server/cli dispatches to the command functions; the rest is for the extension and tests.

export { submitSlurmCommand, submitK8sCommand, statusCommand, type ClusterCommandContext } from './commands';
export { planSlurmRun, submitSlurmRun, slurmLogPath, type SlurmSubmitOptions, type SlurmPlan, type SlurmSubmission } from './slurm';
export { renderSlurmScript, type SlurmScriptInput } from './slurmScript';
export { planK8sJob, writeK8sJob, type K8sJobOptions, type K8sPlan } from './k8s';
export { readRunStatus, resolveRunDir, shardsToResubmit, type RunStatus, type RunStatusOptions } from './status';
export { formatRunStatus } from './statusFormat';
export { querySlurmJob, cancelSlurmTask, type SlurmJobStatus, type SlurmTaskStatus } from './slurmQueue';
export { readClusterRecord, type ClusterRecord, type SubmissionRecord } from './clusterRecord';
export { DEFAULT_RESULTS_DIR } from './runFolder';
