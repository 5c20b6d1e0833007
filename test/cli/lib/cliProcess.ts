// Runs the `ftlab` CLI the way a user does: as its own process (the TypeScript entry through tsx),
// or in-process with captured output for commands that need no signals.

import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../../../server/cli/cli';
import type { CliIo } from '../../../server/cli/io';

export const CLI_ENTRY = resolve(__dirname, '..', '..', '..', 'server', 'cli', 'main.ts');
const TSX = pathToFileURL(createRequire(__filename).resolve('tsx')).href;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** With `group`, the CLI leads its own process group, as a terminal's foreground job does. */
export function startCli(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; group?: boolean },
): { child: ChildProcess; result: Promise<CliResult> } {
  const child = spawn(process.execPath, ['--import', TSX, CLI_ENTRY, ...args], {
    cwd: options.cwd,
    detached: options.group ?? false,
    env: { ...(options.env ?? process.env), CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const result = new Promise<CliResult>((done) => child.on('close', (code, signal) => done({ code, signal, stdout, stderr })));
  return { child, result };
}

export function runCliProcess(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  return startCli(args, options).result;
}

/** The CLI in this process, output captured; for commands that start no trainer and need no signals. */
export async function runCliInProcess(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    interactive: false,
    columns: 120,
    env: options.env ?? {},
    cwd: options.cwd,
    onInterrupt: () => () => undefined,
  };
  const code = await runCli(args, io, { cliPath: CLI_ENTRY });
  return { code, stdout, stderr };
}
