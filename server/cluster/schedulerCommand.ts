// Runs a scheduler's client command (sbatch, squeue, scontrol, scancel) without a shell: every
// argument goes to the program as given, so no user string is ever parsed by a shell here.

import { execFile } from 'node:child_process';

export class SchedulerCommandError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'SchedulerCommandError';
  }
}

export interface CommandOutput {
  stdout: string;
  stderr: string;
}

export function runSchedulerCommand(command: string, args: readonly string[], timeoutMs = 30_000): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) {
        resolve({ stdout, stderr });
        return;
      }
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        reject(new SchedulerCommandError(`${command} not found on PATH: run this where the scheduler's client tools are installed`, command, null, ''));
        return;
      }
      const exitCode = typeof error.code === 'number' ? error.code : null;
      const detail = stderr.trim() || error.message;
      reject(new SchedulerCommandError(`${command} ${args.join(' ')} failed: ${detail}`, command, exitCode, stderr));
    });
  });
}
