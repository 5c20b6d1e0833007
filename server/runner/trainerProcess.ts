// Starting and talking to one trainer child process. The runner forks dist/trainer.js (beside the
// bundle it runs from) or, when it runs from TypeScript sources (tests, tsx), the TS entry through
// tsx. Messages are checked at the boundary; the exit (code or signal) is reported once.

import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isTrainerMessage, type RunnerToTrainer, type TrainerToRunner } from '../../protocol/runner';

export interface TrainerEntry {
  /** Script to fork. */
  modulePath: string;
  /** Node options for the child (e.g. the tsx loader). */
  execArgv: string[];
}

export interface TrainerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** dist/trainer.js next to the running bundle, else server/trainer/trainerMain.ts through tsx. */
export function defaultTrainerEntry(): TrainerEntry {
  const bundled = join(__dirname, 'trainer.js');
  if (existsSync(bundled)) return { modulePath: bundled, execArgv: [] };
  const source = join(__dirname, '..', 'trainer', 'trainerMain.ts');
  if (existsSync(source)) {
    // Resolved to a file URL so the child finds tsx whatever its working folder is.
    const tsx = pathToFileURL(createRequire(__filename).resolve('tsx')).href;
    return { modulePath: source, execArgv: ['--import', tsx] };
  }
  throw new Error(`the trainer was not found (looked for ${bundled} and ${source}); run \`npm run build\``);
}

export class TrainerProcess {
  readonly exited: Promise<TrainerExit>;
  private readonly child: ChildProcess;

  private constructor(child: ChildProcess, onMessage: (message: TrainerToRunner) => void) {
    this.child = child;
    child.on('message', (message: unknown) => {
      if (isTrainerMessage(message)) onMessage(message);
    });
    this.exited = new Promise((resolve) => {
      // 'exit' can come before the last IPC messages are delivered; 'close' comes after both.
      child.once('close', (code, signal) => resolve({ code, signal }));
      child.once('error', () => {
        // A failed spawn emits 'error' and then 'close'; the exit reports it.
      });
    });
  }

  static start(
    entry: TrainerEntry,
    onMessage: (message: TrainerToRunner) => void,
    options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
  ): TrainerProcess {
    const child = fork(entry.modulePath, [], {
      execArgv: entry.execArgv,
      env: options.env ?? process.env,
      cwd: options.cwd,
      // The trainer's own output (warnings, onnxruntime logs) goes to the runner's stderr, never
      // to its stdout: a language server started with --stdio speaks LSP there.
      stdio: ['ignore', 2, 2, 'ipc'],
      serialization: 'advanced',
    });
    return new TrainerProcess(child, onMessage);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  send(message: RunnerToTrainer): void {
    if (this.child.connected) this.child.send(message);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.alive) this.child.kill(signal);
  }
}

/** "killed by SIGKILL", "exited with code 134", for crash records and messages. */
export function describeExit(exit: TrainerExit): string {
  if (exit.signal) {
    const hint: Partial<Record<NodeJS.Signals, string>> = {
      SIGKILL: ' (killed from outside, often by the out-of-memory killer)',
      SIGABRT: ' (a native abort)',
      SIGSEGV: ' (a native crash)',
      SIGBUS: ' (a native crash)',
    };
    return `the trainer process was killed by ${exit.signal}${hint[exit.signal] ?? ''}`;
  }
  return `the trainer process exited with code ${exit.code}`;
}
