// A real one-node Slurm cluster for tests (Debian's slurmctld + slurmd, see shared/SLURM.md):
// config in a temp folder, daemons as children of the test process, torn down in every case.
//
// Every client command (sbatch, squeue, scontrol, scancel) finds the cluster through SLURM_CONF,
// which start() sets in this process's environment, so the code under test runs unchanged.
//
// Teardown order matters: cancel jobs, wait until slurmd has no job step left (slurmstepd lingers
// about a second after a job ends, and killing slurmd while jobs run orphans them), then stop the
// daemons by PID. The same teardown runs synchronously from process 'exit' and on SIGINT/SIGTERM,
// so a failing or interrupted test leaves nothing behind.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SlurmTestCluster {
  /** Temp folder holding config, state, spool and logs. */
  dir: string;
  confPath: string;
  cpus: number;
  /** Milliseconds from start() to an idle node. */
  startMs: number;
  /** Runs a client command against this cluster; throws with its stderr on failure. */
  client(command: string, args: string[]): string;
  /** Polls until no task of the job is pending or running; returns the time waited (ms). */
  waitForJob(jobId: string, timeoutMs?: number): Promise<number>;
  /** Polls until the array task reaches one of the states. */
  waitForTaskState(jobId: string, taskIndex: number, states: string[], timeoutMs?: number): Promise<void>;
  /** The daemons' logs, for a failure message. */
  logs(): string;
  /** Cancels everything, waits for job steps to end, stops the daemons; returns its duration (ms). */
  stop(): Promise<number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function slurmConf(dir: string, cpus: number, ctldPort: number, slurmdPort: number): string {
  return [
    'ClusterName=ftlabtest',
    'SlurmctldHost=localhost',
    'SlurmUser=root',
    // No munged: these two still work in Slurm 22.05 and keep the test to two daemons.
    'AuthType=auth/none',
    'CredType=cred/none',
    // Ports of our own, so a stray daemon from an earlier crashed run cannot answer for us.
    `SlurmctldPort=${ctldPort}`,
    `SlurmdPort=${slurmdPort}`,
    `StateSaveLocation=${dir}/state`,
    `SlurmdSpoolDir=${dir}/spool`,
    `SlurmctldPidFile=${dir}/run/slurmctld.pid`,
    `SlurmdPidFile=${dir}/run/slurmd.pid`,
    `SlurmctldLogFile=${dir}/log/slurmctld.log`,
    `SlurmdLogFile=${dir}/log/slurmd.log`,
    'MpiDefault=none',
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    'ReturnToService=2',
    // scancel: SIGTERM, then SIGKILL after this many seconds (default 30 would slow teardown).
    'KillWait=2',
    'SchedulerParameters=batch_sched_delay=0',
    `NodeName=ftlab-node NodeHostname=localhost NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=1000 State=UNKNOWN`,
    'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
    '',
  ].join('\n');
}

/**
 * PIDs of this cluster's job steps (slurmstepd) and of the job processes they run: both carry our
 * SLURM_CONF in their environment (slurmstepd from slurmd, jobs from the submitter's exported
 * environment), and jobs also carry SLURM_JOB_ID, which the test process itself does not.
 */
function ourJobProcesses(confPath: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (!env.includes(`SLURM_CONF=${confPath}`)) continue;
      const isStep = readFileSync(`/proc/${entry}/cmdline`, 'utf8').startsWith('slurmstepd');
      if (isStep || env.some((v) => v.startsWith('SLURM_JOB_ID='))) pids.push(Number(entry));
    } catch {
      // Gone while we looked, or not ours to read.
    }
  }
  return pids;
}

/** True while the process runs; a zombie (exited, not yet reaped) counts as ended. */
function running(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

export async function startSlurmCluster(): Promise<SlurmTestCluster> {
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'ftlab-slurm-'));
  for (const sub of ['state', 'spool', 'run', 'log']) mkdirSync(join(dir, sub));
  // slurmd refuses a node configured with more CPUs than it has; fewer is fine.
  const cpus = Math.min(availableParallelism(), 2);
  const confPath = join(dir, 'slurm.conf');
  const ctldPort = await freePort();
  let slurmdPort = await freePort();
  while (slurmdPort === ctldPort) slurmdPort = await freePort();
  writeFileSync(confPath, slurmConf(dir, cpus, ctldPort, slurmdPort));
  const previousConf = process.env.SLURM_CONF;
  process.env.SLURM_CONF = confPath;
  // The daemons live in /usr/sbin, which a non-login PATH may lack.
  const env = { ...process.env, SLURM_CONF: confPath, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` };

  const daemons: ChildProcess[] = [];
  let launchError: Error | undefined;
  const launch = (command: string, args: string[]) => {
    const out = openSync(join(dir, 'log', `${command}.out`), 'a');
    const child = spawn(command, args, { env, stdio: ['ignore', out, out] });
    closeSync(out); // the daemon holds its own copy
    child.on('error', (error) => {
      launchError = (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? new Error(`${command} is not installed: apt-get install slurmctld slurmd slurm-client munge (as .ci/run does)`)
        : error;
    });
    daemons.push(child);
  };

  const client = (command: string, args: string[]): string => {
    const r = spawnSync(command, args, { env, encoding: 'utf8', timeout: 20_000 });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return r.stdout;
  };

  const logs = () =>
    ['slurmctld.log', 'slurmd.log', 'slurmctld.out', 'slurmd.out']
      .map((f) => {
        try {
          return `--- ${f}\n${readFileSync(join(dir, 'log', f), 'utf8').split('\n').slice(-30).join('\n')}`;
        } catch {
          return `--- ${f}: none`;
        }
      })
      .join('\n');

  let stopped = false;
  // Synchronous, so it can also run from process.on('exit').
  const stopSync = (): number => {
    if (stopped) return 0;
    stopped = true;
    const s0 = performance.now();
    const queued = () => {
      try {
        return client('squeue', ['-h', '-o', '%A']).trim();
      } catch {
        return '';
      }
    };
    const ids = [...new Set(queued().split('\n').filter(Boolean))];
    if (ids.length > 0) spawnSync('scancel', ids, { env, timeout: 10_000 });
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && (queued() !== '' || ourJobProcesses(confPath).length > 0)) {
      spawnSync('sleep', ['0.2']);
    }
    // Whatever job step or job process is still there after the wait would outlive slurmd.
    for (const pid of ourJobProcesses(confPath)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    for (const child of [...daemons].reverse()) {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
    const killDeadline = Date.now() + 5_000;
    // The event loop is blocked here, so child 'exit' events cannot arrive: look at /proc instead.
    while (Date.now() < killDeadline && daemons.some((c) => c.pid !== undefined && running(c.pid))) {
      spawnSync('sleep', ['0.1']);
    }
    for (const child of daemons) {
      if (child.pid !== undefined && running(child.pid)) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    if (previousConf === undefined) delete process.env.SLURM_CONF;
    else process.env.SLURM_CONF = previousConf;
    rmSync(dir, { recursive: true, force: true });
    return performance.now() - s0;
  };

  const onExit = () => stopSync();
  const onSignal = (signal: NodeJS.Signals) => {
    stopSync();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    launch('slurmctld', ['-D', '-i']);
    launch('slurmd', ['-D', '-N', 'ftlab-node']);
    const deadline = Date.now() + 30_000;
    for (;;) {
      let state = '';
      try {
        state = client('sinfo', ['-h', '-o', '%T']).trim();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') launchError = new Error('sinfo is not installed: apt-get install slurm-client');
        // Otherwise slurmctld is not listening yet.
      }
      if (state === 'idle') break;
      if (launchError) throw launchError;
      if (daemons.some((d) => d.exitCode !== null)) throw new Error(`a Slurm daemon exited during start\n${logs()}`);
      if (Date.now() > deadline) throw new Error(`Slurm node not idle after 30 s (state "${state}")\n${logs()}`);
      await sleep(100);
    }
  } catch (err) {
    stopSync();
    throw err;
  }

  const taskStates = (jobId: string): { index: number; state: string }[] => {
    const out = client('squeue', ['-h', '-r', '-t', 'all', '-j', jobId, '-o', '%i %T']);
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [id, state] = line.trim().split(/\s+/);
        return { index: Number(id.split('_')[1]), state };
      });
  };

  return {
    dir,
    confPath,
    cpus,
    startMs: performance.now() - t0,
    client,
    logs,
    async waitForJob(jobId, timeoutMs = 120_000) {
      const w0 = performance.now();
      for (;;) {
        const states = taskStates(jobId);
        if (states.length > 0 && states.every((s) => s.state !== 'PENDING' && s.state !== 'RUNNING' && s.state !== 'COMPLETING')) {
          return performance.now() - w0;
        }
        if (performance.now() - w0 > timeoutMs) throw new Error(`job ${jobId} still running after ${timeoutMs} ms: ${JSON.stringify(states)}\n${logs()}`);
        await sleep(100);
      }
    },
    async waitForTaskState(jobId, taskIndex, states, timeoutMs = 60_000) {
      const w0 = performance.now();
      for (;;) {
        const task = taskStates(jobId).find((s) => s.index === taskIndex);
        if (task && states.includes(task.state)) return;
        if (performance.now() - w0 > timeoutMs) throw new Error(`task ${jobId}_${taskIndex} not in ${states.join('/')} after ${timeoutMs} ms (is ${task?.state})\n${logs()}`);
        await sleep(100);
      }
    },
    async stop() {
      process.off('exit', onExit);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      const ms = stopSync();
      return ms;
    },
  };
}

/** Slurm daemons and job steps left on the machine (should be none after stop()). */
export function leftoverSlurmProcesses(): string[] {
  const found: string[] = [];
  // pgrep -x takes one name per call (it refuses patterns longer than a process name).
  for (const name of ['slurmctld', 'slurmd', 'slurmstepd']) {
    const r = spawnSync('pgrep', ['-a', '-x', name], { encoding: 'utf8' });
    for (const line of r.stdout.split('\n').filter(Boolean)) {
      // A zombie is already dead; its parent reaps it.
      if (running(Number(line.split(' ')[0]))) found.push(line);
    }
  }
  return found;
}
