// Time left in a run, from the wall time of the trials it finished. Methods cost very different
// amounts (ICL trains nothing; full fine-tuning trains every weight), so a remaining trial is
// estimated from finished trials of its own method where there are some, else from all of them.
// The trial in progress counts for the part of its steps still to go.

import type { MethodId } from '../../protocol/results';

export class EtaEstimator {
  private readonly byMethod = new Map<MethodId, { total: number; count: number }>();
  private all = { total: 0, count: 0 };

  /** Records how long one finished trial took. */
  add(method: MethodId, seconds: number): void {
    const m = this.byMethod.get(method) ?? { total: 0, count: 0 };
    m.total += seconds;
    m.count += 1;
    this.byMethod.set(method, m);
    this.all = { total: this.all.total + seconds, count: this.all.count + 1 };
  }

  private expected(method: MethodId): number | undefined {
    const m = this.byMethod.get(method);
    if (m && m.count > 0) return m.total / m.count;
    return this.all.count > 0 ? this.all.total / this.all.count : undefined;
  }

  /**
   * Seconds left, or undefined before any trial has finished.
   * @param remaining methods of the trials not started yet
   * @param current the trial in progress: its method, seconds so far and fraction of steps done
   */
  estimate(remaining: readonly MethodId[], current?: { method: MethodId; elapsedS: number; fraction?: number }): number | undefined {
    if (this.all.count === 0) return undefined;
    let seconds = 0;
    for (const method of remaining) seconds += this.expected(method) ?? 0;
    if (current) {
      const expected = this.expected(current.method) ?? 0;
      const left =
        current.fraction !== undefined && current.fraction > 0
          ? // Steps tell how far training is; scale the time so far up to the whole trial.
            (current.elapsedS / current.fraction) * (1 - current.fraction)
          : expected - current.elapsedS;
      seconds += Math.max(0, left);
    }
    return seconds;
  }
}
