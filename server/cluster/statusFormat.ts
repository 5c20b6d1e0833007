// Plain text for `ftlab status <run>`: a summary line, the trials that need attention (failed,
// running), each shard's Slurm task with its log file, and what to do about shards that ended early.

import { delimiter } from 'node:path';
import { shellQuote } from './shellQuote';
import { shardsToResubmit, type RunStatus } from './status';

export function formatRunStatus(status: RunStatus, options: { listPending?: boolean } = {}): string {
  const lines: string[] = [];
  lines.push(`run ${status.runId}  (${status.runDir})`);
  const total = status.totalTrials === undefined ? 'no shard has started yet' : `${status.totalTrials} total`;
  const pending = status.pending === undefined ? '' : ` · ${status.pending.length} pending`;
  lines.push(`trials: ${total} · ${status.finished.length} finished · ${status.failed.length} failed · ${status.running.length} running${pending}`);

  if (status.failed.length > 0) {
    lines.push('failed (rerun when the shard is resumed or resubmitted):');
    for (const f of status.failed) {
      const why = f.error ? `${f.error.kind}: ${f.error.message}${f.error.step === undefined ? '' : ` (step ${f.error.step})`}` : '';
      lines.push(`  ${f.key}${f.shard ? `  [shard ${f.shard}]` : ''}  ${why}`.trimEnd());
    }
  }
  if (status.running.length > 0) {
    lines.push('running:');
    for (const r of status.running) {
      const where = `${r.shard ? `shard ${r.shard}` : 'runner'} on ${r.hostname} (pid ${r.pid}, heartbeat ${r.heartbeatAt})`;
      lines.push(`  ${r.key ?? '(trial unknown)'}  [${where}]`);
    }
  }
  if (options.listPending && status.pending && status.pending.length > 0) {
    lines.push('pending:');
    for (const key of status.pending) lines.push(`  ${key}`);
  }

  if (status.slurm) {
    lines.push(`slurm: ${status.slurm.shardCount} shard(s), job(s) ${status.slurm.jobs.map((j) => j.arrayJobId).join(', ')}`);
    for (const s of status.slurm.shards) {
      const id = `${s.submission.jobId}_${s.shardIndex}`;
      const state = s.task ? s.task.state : 'ENDED (no longer known to Slurm)';
      const ended = s.task && s.task.state !== 'PENDING' && s.task.state !== 'RUNNING';
      const exit = ended && s.task?.exitCode ? `  exit ${s.task.exitCode}` : '';
      const reason = s.task?.state === 'PENDING' && s.task.reason ? `  (${s.task.reason})` : '';
      lines.push(`  shard ${s.shardIndex}  ${id.padEnd(12)}  ${state}${exit}${reason}  log ${s.logPath}`);
    }
    const again = shardsToResubmit(status);
    if (again.length > 0 && status.experimentPath) {
      const cmd = ['ftlab', 'submit', 'slurm', status.experimentPath, '--run-id', status.runId, '--shards', String(status.slurm.shardCount), '--shard-indices', again.join(',')];
      // The shards were checked against these folders; the resubmitted ones must be too.
      const roots = [...new Set(status.slurm.shards.filter((s) => again.includes(s.shardIndex)).flatMap((s) => s.submission.allowedRoots ?? []))];
      if (roots.length > 0) cmd.push('--allowed-roots', roots.join(delimiter));
      lines.push(`resubmit the shard(s) that ended early: ${cmd.map(shellQuote).join(' ')}`);
    }
  }

  if (status.logs.length > 1) {
    lines.push(`records by shard: ${status.logs.map((l) => `${l.shard ?? 'local'} ${l.finished} finished/${l.failed} failed`).join(', ')}`);
  }
  if (status.duplicateFinishedKeys.length > 0) {
    lines.push(`warning: ${status.duplicateFinishedKeys.length} trial(s) finished more than once (the first result is kept): ${status.duplicateFinishedKeys.join(', ')}`);
  }
  for (const w of status.storeWarnings) {
    lines.push(`note: ${w.file}${w.line === undefined ? '' : `:${w.line}`}: ${w.message}`);
  }
  return lines.join('\n') + '\n';
}
