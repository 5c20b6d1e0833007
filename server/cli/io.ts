// What a CLI command may touch of its surroundings. Commands take it as a parameter so tests can
// run them in-process with captured output; the real entry passes the process's own.

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Progress bars redraw only on an interactive terminal, and never under CI. */
  interactive: boolean;
  columns: number;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Called on Ctrl-C / SIGTERM; returns a function that stops listening. */
  onInterrupt(handler: (signal: NodeJS.Signals) => void): () => void;
}

/** Exit codes: 0 all trials finished; 1 some failed or the command failed; 2 usage or invalid input. */
export const ExitCode = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export function processIo(): CliIo {
  const ci = !!process.env.CI && process.env.CI !== 'false';
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    interactive: !!process.stderr.isTTY && !ci,
    columns: process.stderr.columns || 100,
    env: process.env,
    cwd: process.cwd(),
    onInterrupt(handler) {
      const listener = (signal: NodeJS.Signals) => handler(signal);
      process.on('SIGINT', listener);
      process.on('SIGTERM', listener);
      return () => {
        process.off('SIGINT', listener);
        process.off('SIGTERM', listener);
      };
    },
  };
}
