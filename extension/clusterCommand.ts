// "Run Fine-Tune Comparison on Cluster…": asks for the scheduler and the shard count (and, for
// Slurm, partition, GPUs and time; for Kubernetes, image and volume claim), submits through
// ftlab/submitCluster, and follows the merged store in the results panel as shards finish
// (clusterFollower.ts). Like a local run, it starts only from a saved file without errors.
import * as vscode from 'vscode';
import {
  clusterStatusRequest,
  readRunRequest,
  submitClusterRequest,
  type ClusterScheduler,
  type SubmitClusterResult,
  type ValidateExperimentResult,
} from '../protocol/lsp';
import {
  checkGpusPerTask,
  checkImage,
  checkPartition,
  checkPvc,
  checkShards,
  checkTime,
  kubectlApplyCommand,
  submitParams,
  type ClusterAnswers,
  type InputCheck,
} from './clusterOptions';
import { describeClusterStatus, followClusterRun, type ClusterFollowOutcome } from './clusterFollower';
import { describeError, type Ctx } from './ctx';
import { pickExperiment, saveAndValidate } from './experimentTarget';
import { ResultsPanel } from './resultsPanel';

export type ClusterRunOutcome =
  | { kind: 'submitted'; result: SubmitClusterResult; followed: Promise<ClusterFollowOutcome> }
  | { kind: 'refused'; validation: ValidateExperimentResult }
  | { kind: 'failed'; error: string }
  | { kind: 'dismissed' };

/** The answers of the last submission, offered again (per workspace). */
const LAST_ANSWERS_KEY = 'ftlab.cluster.lastAnswers';
const TITLE = 'Run Fine-Tune Comparison on Cluster';

export async function runOnCluster(ctx: Ctx, target: vscode.Uri | undefined): Promise<ClusterRunOutcome> {
  const uri = target ?? (await pickExperiment('Run which experiment on the cluster?'));
  if (!uri) return { kind: 'dismissed' };
  try {
    const checked = await saveAndValidate(ctx, uri, 'nothing was submitted');
    if (checked.kind === 'dismissed') return checked;
    if (checked.kind === 'refused') return { kind: 'refused', validation: checked.validation };
    const client = await ctx.client();
    const answers = await askAnswers(ctx.extensionContext.workspaceState.get<ClusterAnswers>(LAST_ANSWERS_KEY));
    if (!answers) return { kind: 'dismissed' };
    await ctx.extensionContext.workspaceState.update(LAST_ANSWERS_KEY, answers);
    const where = answers.scheduler === 'slurm' ? 'Slurm' : 'Kubernetes';
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Fine-Tune Lab: submitting to ${where}…` },
      () => client.sendRequest(submitClusterRequest, submitParams(uri.toString(), answers)),
    );
    announce(ctx, result);
    return { kind: 'submitted', result, followed: follow(ctx, result) };
  } catch (error) {
    ctx.output.error(`cluster submission of ${uri.toString()} failed: ${describeError(error)}`);
    void vscode.window.showErrorMessage(`Fine-Tune Lab: nothing was submitted: ${describeError(error)}`);
    return { kind: 'failed', error: describeError(error) };
  }
}

function ask(title: string, prompt: string, check: InputCheck, value = '', placeHolder?: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({ title, prompt, value, placeHolder, ignoreFocusOut: true, validateInput: check });
}

/** The questions, one after another; undefined when the user dismisses one. */
async function askAnswers(last: ClusterAnswers | undefined): Promise<ClusterAnswers | undefined> {
  const schedulers: (vscode.QuickPickItem & { scheduler: ClusterScheduler })[] = [
    { label: 'Slurm', description: 'sbatch job array, one array task per shard', scheduler: 'slurm' },
    { label: 'Kubernetes', description: 'Indexed Job manifest, one pod per shard, for kubectl apply', scheduler: 'k8s' },
  ];
  if (last?.scheduler === 'k8s') schedulers.reverse();
  const picked = await vscode.window.showQuickPick(schedulers, { title: TITLE, placeHolder: 'Which scheduler runs the shards?', ignoreFocusOut: true });
  if (!picked) return undefined;
  const scheduler = picked.scheduler;
  const shards = await ask(TITLE, 'Shards: the grid is split into this many array tasks (or pods).', checkShards, last?.shards ?? '4');
  if (shards === undefined) return undefined;
  if (scheduler === 'slurm') {
    const partition = await ask(TITLE, 'Slurm partition (empty: the cluster default).', checkPartition, last?.partition ?? '', 'e.g. gpu');
    if (partition === undefined) return undefined;
    const gpusPerTask = await ask(TITLE, 'GPUs per array task (empty: none).', checkGpusPerTask, last?.gpusPerTask ?? '', 'e.g. 1 or a100:1');
    if (gpusPerTask === undefined) return undefined;
    const time = await ask(TITLE, 'Time limit per task (empty: the partition limit).', checkTime, last?.time ?? '', 'e.g. 12:00:00');
    if (time === undefined) return undefined;
    return { scheduler, shards, partition, gpusPerTask, time };
  }
  const image = await ask(TITLE, 'Container image with ftlab on its PATH.', checkImage, last?.image ?? '', 'registry.example/ftlab:0.1.0');
  if (image === undefined) return undefined;
  const pvc = await ask(TITLE, 'PersistentVolumeClaim for the results folder (empty: ftlab-results).', checkPvc, last?.pvc ?? '', 'ftlab-results');
  if (pvc === undefined) return undefined;
  return { scheduler, shards, image, pvc };
}

/** Tells what was submitted: the Slurm job id, or the manifest to apply. */
function announce(ctx: Ctx, result: SubmitClusterResult): void {
  ctx.output.info(`cluster run ${result.runId}: ${result.shards} ${result.scheduler} shard(s), ${result.totalTrials} trials, store ${result.runDir}`);
  if (result.scheduler === 'slurm') {
    ctx.output.info(`submitted Slurm job ${result.jobId}; script ${result.scriptPath}; task logs ${result.logDir}/slurm-${result.jobId}_<shard>.out`);
    void vscode.window
      .showInformationMessage(`Fine-Tune Lab: submitted Slurm job ${result.jobId} (run ${result.runId}, ${result.shards} shards).`, 'Open Script')
      .then((choice) => {
        if (choice && result.scriptPath) void vscode.window.showTextDocument(vscode.Uri.file(result.scriptPath), { preview: true });
      });
    return;
  }
  const command = kubectlApplyCommand(result.manifestPath!);
  ctx.output.info(`wrote ${result.manifestPath}; submit it with: ${command}`);
  void vscode.window.showTextDocument(vscode.Uri.file(result.manifestPath!), { preview: true, preserveFocus: true });
  void vscode.window
    .showInformationMessage(`Fine-Tune Lab: wrote the Kubernetes Job for run ${result.runId}. Submit it with: ${command}`, 'Copy Command')
    .then((choice) => choice && vscode.env.clipboard.writeText(command));
}

/** Opens the results panel on the run and follows it until it ends, the panel closes or the user cancels. */
function follow(ctx: Ctx, result: SubmitClusterResult): Promise<ClusterFollowOutcome> {
  ctx.panels.rememberRun(result.runId, result.runDir);
  const panel = ResultsPanel.createOrShow(ctx.extensionContext, { preserveFocus: true });
  const followed = vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Following cluster run ${result.runId}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      progress.report({ message: `0/${result.totalTrials} trials · waiting for the first shard to start` });
      const client = await ctx.client();
      return followClusterRun(
        {
          clusterStatus: (runDir) => client.sendRequest(clusterStatusRequest, { runDir }),
          readRun: (runDir) => client.sendRequest(readRunRequest, { runDir }),
          post: (message) => panel.post(message),
          panelOpen: () => ResultsPanel.current === panel,
          onStatus: (status) => progress.report({ message: describeClusterStatus(status, result.totalTrials) }),
          onError: (error) => ctx.output.warn(`following cluster run ${result.runId}: ${describeError(error)}`),
        },
        { runId: result.runId, runDir: result.runDir, totalTrials: result.totalTrials, signal: abort.signal },
      );
    },
  );
  return Promise.resolve(followed)
    .catch((error): ClusterFollowOutcome => ({ kind: 'failed', error: describeError(error) }))
    .then((outcome) => {
      reportOutcome(ctx, result, outcome);
      return outcome;
    });
}

function reportOutcome(ctx: Ctx, result: SubmitClusterResult, outcome: ClusterFollowOutcome): void {
  ctx.panels.refreshRuns();
  if (outcome.status) ctx.output.info(outcome.status.text.trimEnd());
  const total = outcome.status?.totalTrials ?? result.totalTrials;
  const done = `${outcome.status?.finished ?? 0} of ${total} trials finished`;
  switch (outcome.kind) {
    case 'complete':
      void vscode.window.showInformationMessage(`Fine-Tune Lab: cluster run ${result.runId} finished, ${done}.`);
      break;
    case 'ended':
      void vscode.window
        .showWarningMessage(`Fine-Tune Lab: every shard of run ${result.runId} has ended, ${done}. The output shows which shards to resubmit.`, 'Show Output')
        .then((choice) => choice && ctx.output.show(true));
      break;
    case 'failed':
      void vscode.window.showErrorMessage(`Fine-Tune Lab: stopped following cluster run ${result.runId}: ${outcome.error}`);
      break;
    default:
      // Cancelled or panel closed: the run goes on on the cluster; `ftlab status` tells where it is.
      ctx.output.info(`stopped following cluster run ${result.runId} (${outcome.kind}); it goes on: ftlab status ${result.runDir}`);
  }
}
