// The shipped server for the cluster requests, as the extension starts it: server, CLI and trainer
// bundled side by side with the options of scripts/build.mjs (the server hands every shard the CLI
// bundle next to itself), into a folder of the test's own so that a build running elsewhere in
// the tree cannot swap dist/ under it. Talks LSP over Node IPC, like vscode-languageclient.
import { fork, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import {
  createProtocolConnection,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  IPCMessageReader,
  IPCMessageWriter,
  ShutdownRequest,
  WorkspaceFoldersRequest,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import type { ServerInitializationOptions } from '../../protocol/lsp';

export const ROOT = resolve(__dirname, '..', '..');
/** Two levels below the repository, like dist/ is one: the bundles find package.json, data/ and node_modules from there. */
export const BUNDLE_DIR = join(ROOT, 'test-output', 'slurm-lsp');

/** Bundles server, CLI and trainer; returns their paths. */
export function bundleServerWithCli(): { server: string; cli: string; trainer: string } {
  buildSync({
    entryPoints: { server: join(ROOT, 'server', 'main.ts'), cli: join(ROOT, 'server', 'cli', 'main.ts'), trainer: join(ROOT, 'server', 'trainer', 'trainerMain.ts') },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['onnxruntime-node'],
    outdir: BUNDLE_DIR,
    logLevel: 'error',
  });
  return { server: join(BUNDLE_DIR, 'server.js'), cli: join(BUNDLE_DIR, 'cli.js'), trainer: join(BUNDLE_DIR, 'trainer.js') };
}

export interface ClusterServer {
  connection: ProtocolConnection;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts the bundled server with `resultsDir` as its `ftlab.resultsDir` and `workspaceFolder` as
 * the only workspace folder. The server inherits this process's environment, SLURM_CONF included,
 * and so do the jobs it submits: start the Slurm cluster first.
 */
export async function startClusterServer(serverJs: string, resultsDir: string, workspaceFolder = ROOT): Promise<ClusterServer> {
  const child = fork(serverJs, ['--node-ipc'], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env } });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.resume();
  const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  connection.onRequest(WorkspaceFoldersRequest.type, () => [{ uri: pathToFileURL(workspaceFolder).toString(), name: 'workspace' }]);
  connection.listen();
  const initializationOptions: ServerInitializationOptions = {
    settings: { executionProvider: 'cpu', threads: 1, hfCacheDir: '', offline: true, resultsDir },
    extensionVersion: '0.0.0-test',
  };
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(workspaceFolder).toString(),
    workspaceFolders: [{ uri: pathToFileURL(workspaceFolder).toString(), name: 'workspace' }],
    capabilities: { workspace: { workspaceFolders: true } },
    initializationOptions,
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return {
    connection,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        try {
          await connection.sendRequest(ShutdownRequest.type);
          await connection.sendNotification(ExitNotification.type);
        } catch {
          child.kill('SIGKILL');
        }
        await exited;
        clearTimeout(timer);
      }
      connection.dispose();
    },
  };
}
