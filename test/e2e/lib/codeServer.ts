// One code-server (VS Code 1.100.3's real workbench, Node extension host) per scenario, with fresh
// user-data, extensions, workspace and XDG folders and a free port, in its own process group so
// that stopping it also stops the extension host and our language server below it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const e2eRoot = resolve(__dirname, '..');
export const repoRoot = resolve(e2eRoot, '..', '..');
export const outputDir = join(repoRoot, 'test-output', 'e2e');
const entry = join(e2eRoot, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

export interface CodeServer {
  port: number;
  url: string;
  /** Temp folder holding everything this instance writes. */
  root: string;
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  /** Combined stdout and stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  /** Copied into the fresh extensions folder (e.g. one prepared by `installVsix`). */
  extensionsFrom?: string;
  /** Files to create in the workspace, by relative path. */
  files?: Record<string, string>;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and the extension host below it. */
  env?: Record<string, string>;
}

const running = new Set<ChildProcess>();
// A test that throws must not leave a workbench behind: kill every group we started on exit.
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // group already gone
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Environment that keeps code-server, VS Code and Chromium out of the home folder. */
export function isolatedEnv(root: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const xdg = (name: string): string => {
    const dir = join(root, 'xdg', name);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  return {
    ...process.env,
    XDG_DATA_HOME: xdg('data'),
    XDG_CONFIG_HOME: xdg('config'),
    XDG_CACHE_HOME: xdg('cache'),
    ...extra,
  };
}

const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'files.simpleDialog.enable': true,
};

export function makeTempRoot(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ftlab-e2e-${prefix}-`));
}

/**
 * Installs a VSIX the way users do (`--install-extension`) into a new extensions folder, which is
 * removed when the test process exits.
 */
export function installVsix(vsix: string): string {
  const root = makeTempRoot('vsix');
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  const extensionsDir = join(root, 'extensions');
  const result = spawnSync(
    process.execPath,
    [entry, '--user-data-dir', join(root, 'user-data'), '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'],
    { env: isolatedEnv(root), encoding: 'utf8', timeout: 120_000 },
  );
  if (result.status !== 0) {
    throw new Error(`code-server --install-extension failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return extensionsDir;
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const root = makeTempRoot('ws');
  const workspace = join(root, 'workspace');
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(workspace, { recursive: true });
  if (options.extensionsFrom) cpSync(options.extensionsFrom, extensionsDir, { recursive: true });
  else mkdirSync(extensionsDir, { recursive: true });
  for (const [path, text] of Object.entries(options.files ?? {})) {
    mkdirSync(join(workspace, path, '..'), { recursive: true });
    writeFileSync(join(workspace, path), text);
  }
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...options.settings }, null, 2),
  );
  const config = join(root, 'config.yaml');
  writeFileSync(config, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');

  const port = await freePort();
  // detached: the child calls setsid(), so it leads a new process group we can kill as a whole.
  const child = spawn(
    process.execPath,
    [
      entry,
      '--config', config,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      workspace,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: isolatedEnv(root, options.env) },
  );
  running.add(child);
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));

  const server: CodeServer = {
    port,
    url: `http://127.0.0.1:${port}`,
    root,
    workspace,
    userDataDir,
    extensionsDir,
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      // The group may still hold children that ignored SIGTERM after the leader left.
      killGroup(child, 'SIGKILL');
      running.delete(child);
      rmSync(root, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited early (${child.exitCode}):\n${log}`);
    try {
      const response = await fetch(`${server.url}/healthz`);
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`code-server did not answer /healthz within 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
