// Peak GPU memory while a workload runs: nvidia-smi samples memory.used every 100 ms into a file
// from its own process (session.run blocks Node's event loop, so sampling from here would miss
// the peaks). The peak is reported above the baseline taken before the workload started.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const QUERY = ['--query-gpu=memory.used', '--format=csv,noheader,nounits'];

function readMiB(text: string): number[] {
  return text
    .split('\n')
    .map((l) => Number(l.split(',')[0]))
    .filter((n) => Number.isFinite(n) && n >= 0);
}

export class GpuMemorySampler {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly baselineMiB: number,
  ) {}

  /** undefined when there is no nvidia-smi (no NVIDIA GPU): the caller reports that instead. */
  /** `maxSeconds` bounds the sampler's life even if this process is killed before stop(). */
  static start(maxSeconds = 600): GpuMemorySampler | undefined {
    const once = spawnSync('nvidia-smi', QUERY, { encoding: 'utf8' });
    if (once.error || once.status !== 0) return undefined;
    const baseline = Math.max(...readMiB(once.stdout)); // first GPU if several; the check uses one
    const dir = mkdtempSync(join(tmpdir(), 'ftlab-gpumem-'));
    const sample = ['nvidia-smi', ...QUERY, '-lms', '100', '-f', join(dir, 'mem.csv')];
    const child = spawn('timeout', [String(Math.ceil(maxSeconds)), ...sample], { stdio: 'ignore' });
    return new GpuMemorySampler(child, dir, baseline);
  }

  /** Stops sampling; returns the peak of memory.used above the baseline, in MiB. */
  stop(): { peakMiB: number; baselineMiB: number } {
    const last = spawnSync('nvidia-smi', QUERY, { encoding: 'utf8' });
    this.child.kill();
    let samples: number[] = last.status === 0 ? readMiB(last.stdout) : [];
    try {
      samples = samples.concat(readMiB(readFileSync(join(this.dir, 'mem.csv'), 'utf8')));
    } catch {
      // no sample written yet (a very short run): the peak is then unknown, reported as 0
    }
    rmSync(this.dir, { recursive: true, force: true });
    const peak = samples.length ? Math.max(...samples) : this.baselineMiB;
    return { peakMiB: peak - this.baselineMiB, baselineMiB: this.baselineMiB };
  }
}
