// What `ftlab run` shows while it trains. On an interactive terminal: one status line redrawn in
// place (bar, trial, step, loss, ETA) with a line printed above it per finished trial. Elsewhere
// (pipes, CI logs, Slurm output files): plain lines only, one per trial outcome, nothing redrawn.

import type { TrialConfig, TrialRecord } from '../../protocol/results';
import type { RunnerLog, RunnerProgress } from '../runner';
import type { CliIo } from './io';

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function describeTrial(c: TrialConfig): string {
  const seed = c.dataSeed === c.modelSeed ? `seed ${c.dataSeed}` : `seeds ${c.dataSeed}/${c.modelSeed}`;
  return `${c.method} n=${c.n} ${seed} · ${c.task} · ${c.model}`;
}

function outcome(record: TrialRecord): string {
  if (record.status === 'failed') {
    const e = record.error;
    return `FAILED ${e?.kind ?? 'error'}${e?.step !== undefined ? ` at step ${e.step}` : ''}: ${e?.message ?? 'no message'}`;
  }
  const metrics = Object.entries(record.metrics)
    .map(([name, m]) => `${name} ${m.accuracy.toFixed(3)}`)
    .join(', ');
  const took = record.wallTimeS < 10 ? `${record.wallTimeS.toFixed(1)}s` : formatDuration(record.wallTimeS);
  return `finished in ${took}${metrics ? ` · acc ${metrics}` : ''}`;
}

export class ProgressView {
  private last: RunnerProgress | undefined;
  private drawn = false;
  private lastDraw = 0;

  constructor(private readonly io: CliIo) {}

  progress(p: RunnerProgress): void {
    this.last = p;
    if (!this.io.interactive) return;
    const now = Date.now();
    // Redraw at most ten times a second; a trial change always shows.
    if (now - this.lastDraw < 100 && p.current?.step !== 0) return;
    this.lastDraw = now;
    this.draw();
  }

  trialFinished(record: TrialRecord): void {
    const p = this.last;
    const count = p ? `[${p.finishedTrials + p.failedTrials}/${p.totalTrials}] ` : '';
    const left = p && p.etaS !== undefined && p.finishedTrials + p.failedTrials < p.totalTrials ? ` · ETA ${formatDuration(p.etaS)}` : '';
    this.printAbove(`${count}${describeTrial(record.config)} — ${outcome(record)}${left}`);
  }

  log(entry: RunnerLog): void {
    if (entry.level === 'info') return;
    this.printAbove(`${entry.level}: ${entry.message}`);
  }

  message(text: string): void {
    this.printAbove(text);
  }

  /** Removes the status line (before the summary is printed). */
  close(): void {
    if (this.drawn) this.io.err('\r\x1b[2K');
    this.drawn = false;
  }

  private printAbove(line: string): void {
    if (this.io.interactive) {
      this.close();
      this.io.err(`${line}\n`);
      this.draw();
    } else {
      this.io.out(`${line}\n`);
    }
  }

  private draw(): void {
    const p = this.last;
    if (!p || !this.io.interactive) return;
    this.io.err(`\r\x1b[2K${statusLine(p, this.io.columns)}`);
    this.drawn = true;
  }
}

export function statusLine(p: RunnerProgress, columns: number): string {
  const done = p.finishedTrials + p.failedTrials;
  const width = 20;
  const filled = p.totalTrials > 0 ? Math.round((done / p.totalTrials) * width) : 0;
  const parts = [`[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${p.totalTrials}`];
  if (p.state === 'queued') parts.push('queued behind another run');
  if (p.state === 'cancelling') parts.push('stopping after this step');
  if (p.failedTrials > 0) parts.push(`${p.failedTrials} failed`);
  if (p.current) {
    const c = p.current;
    parts.push(describeTrial(c.config));
    if (p.phase === 'train' && c.steps > 0) parts.push(`epoch ${c.epoch}/${c.epochs} step ${c.step}/${c.steps}`);
    else if (p.phase) parts.push(p.phaseDetail ? `${p.phase}: ${p.phaseDetail}` : p.phase);
    if (p.loss !== undefined && p.phase === 'train') parts.push(`loss ${p.loss.toFixed(4)}`);
  }
  if (p.etaS !== undefined) parts.push(`ETA ${formatDuration(p.etaS)}`);
  const line = parts.join(' · ');
  return line.length > columns - 1 ? `${line.slice(0, Math.max(0, columns - 2))}…` : line;
}
