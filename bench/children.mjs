// Running each side of a workload in its own child process (peak RSS is then that side's alone),
// and finding out whether the reference side can run here at all. Nothing is ever installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = process.env.FTLAB_BENCH_PYTHON || '/usr/bin/python3';

export const TORCH_HELP =
  'PyTorch for the reference side is not available. On Debian/Ubuntu: ' +
  '`sudo apt-get install python3-torch libopenblas0-pthread` (it is then run with /usr/bin/python3; ' +
  'set FTLAB_BENCH_PYTHON to use another interpreter that has torch).';

/** { ok, version, warning } for the reference side's Python + torch. */
export function probeTorch() {
  if (!existsSync(PYTHON)) return { ok: false, reason: `${PYTHON} not found` };
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, reason: (r.stderr || '').trim().split('\n').pop() };
  const version = r.stdout.trim();
  let warning;
  // Debian's torch calls the system BLAS; without the OpenBLAS build it is the reference BLAS, ~30× slower.
  const dpkg = spawnSync('dpkg-query', ['-W', '-f=${Status}', 'libopenblas0-pthread'], { encoding: 'utf8' });
  if (!dpkg.error && !/install ok installed/.test(dpkg.stdout ?? '')) {
    warning =
      'libopenblas0-pthread is not installed: Debian torch then uses the reference BLAS and the reference side runs ~30× ' +
      'slower than it should (`sudo apt-get install libopenblas0-pthread`)';
  }
  return { ok: true, version, warning };
}

/**
 * Runs a child, streams its stderr through (progress and errors), and returns the JSON lines it
 * printed on stdout. Rejects with the child's last stderr lines when it fails.
 */
export function runJsonChild(command, args, { timeoutMs, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    const timer = timeoutMs ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : undefined;
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (code !== 0) {
        const tail = err.trim().split('\n').slice(-6).join('\n');
        reject(new Error(`${command} exited with ${signal ?? code}${signal === 'SIGKILL' ? ' (time limit or out of memory)' : ''}\n${tail}`));
        return;
      }
      const lines = out.split('\n').filter((l) => l.trim().startsWith('{'));
      try {
        resolve(lines.map((l) => JSON.parse(l)));
      } catch (e) {
        reject(new Error(`${command}: unreadable output: ${e.message}`));
      }
    });
  });
}
