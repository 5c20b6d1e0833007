// Peak resident memory of the trainer process during one trial, sampled at every step and eval
// batch (the process-wide maxRSS would carry an earlier trial's peak into the next one).
export class PeakMemory {
  private peak = process.memoryUsage.rss();

  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
  }

  get bytes(): number {
    this.sample();
    return this.peak;
  }
}
