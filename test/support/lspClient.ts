// A client of the built language/training server as VS Code is one: the server as a Node child over
// IPC, speaking LSP. The session answers the server's workspace-folder question, records every run
// notification and diagnostics message, and can be killed like a window reload kills it. Shared by
// the reliability tests (test/reliability/lib/lspSession.ts, with the product they build) and the
// bench's language-server workload (bench/lspLatency.ts, with the server it bundles), so both talk
// to the server the same way. Paths come from the caller: this file is bundled into the bench.

import { fork, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  IPCMessageReader,
  IPCMessageWriter,
  PublishDiagnosticsNotification,
  RequestType0,
  ShutdownRequest,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type WorkspaceFolder,
} from 'vscode-languageserver-protocol/node';
import {
  runFinishedNotification,
  runProgressNotification,
  trialFinishedNotification,
  type RunFinished,
  type ServerInitializationOptions,
  type ServerSettings,
  type TrialFinished,
} from '../../protocol/lsp';
import type { RunnerProgress } from '../../server/runner';

const workspaceFoldersRequest = new RequestType0<WorkspaceFolder[] | null, void>('workspace/workspaceFolders');

/** LSP shutdown then exit; the server is killed if it has not exited `graceMs` later. */
export async function shutdownServer(connection: ProtocolConnection, child: ChildProcess, exited: Promise<unknown>, graceMs: number): Promise<void> {
  await connection.sendRequest(ShutdownRequest.type);
  await connection.sendNotification(ExitNotification.type);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface LspSession {
  connection: ProtocolConnection;
  child: ChildProcess;
  stderr(): string;
  progress: RunnerProgress[];
  trials: TrialFinished[];
  finished: RunFinished[];
  diagnostics: PublishDiagnosticsParams[];
  /** Resolves with the first notification (already received or coming) that matches. */
  waitProgress(match: (p: RunnerProgress) => boolean, timeoutMs?: number): Promise<RunnerProgress>;
  /** The run's end, among notifications from index `after` on (default: any). */
  waitFinished(runId: string, timeoutMs?: number, after?: number): Promise<RunFinished>;
  /** The next diagnostics for `uri` published after this call (with the given document version, if any). */
  nextDiagnostics(uri: string, version?: number, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  open(uri: string, languageId: string, text: string, version?: number): Promise<void>;
  change(uri: string, text: string, version: number): Promise<void>;
  /** What VS Code does on a window reload or close: shutdown, then exit. */
  shutdown(): Promise<void>;
  kill(): Promise<void>;
}

export function settingsFor(overrides: Partial<ServerSettings> = {}): ServerSettings {
  return { executionProvider: 'cpu', threads: 1, hfCacheDir: '', offline: true, resultsDir: '.ftlab/runs', ...overrides };
}

export interface LspClientOptions {
  /** The bundled server (server.js, with trainer.js beside it). */
  serverJs: string;
  /** The only workspace folder, as the server asks for it. */
  workspace: string;
  /** Added to this process's environment for the server. */
  env?: NodeJS.ProcessEnv;
  settings?: Partial<ServerSettings>;
  /** What the server reports as the extension's version. */
  clientVersion?: string;
}

export async function startLspClient(options: LspClientOptions): Promise<LspSession> {
  const child = fork(options.serverJs, ['--node-ipc'], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, ...options.env },
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  const session = {
    progress: [] as RunnerProgress[],
    trials: [] as TrialFinished[],
    finished: [] as RunFinished[],
    diagnostics: [] as PublishDiagnosticsParams[],
  };
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((l) => l());
  connection.onNotification(runProgressNotification, (p) => (session.progress.push(p as RunnerProgress), changed()));
  connection.onNotification(trialFinishedNotification, (t) => (session.trials.push(t), changed()));
  connection.onNotification(runFinishedNotification, (f) => (session.finished.push(f), changed()));
  connection.onNotification(PublishDiagnosticsNotification.type, (d) => (session.diagnostics.push(d), changed()));
  connection.onRequest(workspaceFoldersRequest, () => [{ uri: pathToFileURL(options.workspace).toString(), name: 'workspace' }]);
  // The server logs through window/logMessage; nothing to do with it here.
  connection.onNotification('window/logMessage', () => undefined);
  connection.listen();

  const initializationOptions: ServerInitializationOptions = { settings: settingsFor(options.settings), extensionVersion: options.clientVersion ?? '0.0.0-test' };
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(options.workspace).toString(),
    workspaceFolders: [{ uri: pathToFileURL(options.workspace).toString(), name: 'workspace' }],
    capabilities: { workspace: { workspaceFolders: true } },
    initializationOptions,
  });
  await connection.sendNotification(InitializedNotification.type, {});

  function waitUntil<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = probe();
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; server stderr:\n${stderr.slice(-2000)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  }

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    connection,
    child,
    stderr: () => stderr,
    ...session,
    waitProgress: (match, timeoutMs = 60_000) => waitUntil('run progress', () => session.progress.find(match), timeoutMs),
    waitFinished: (runId, timeoutMs = 60_000, after = 0) =>
      waitUntil(`run ${runId} to finish`, () => session.finished.slice(after).find((f) => f.runId === runId), timeoutMs),
    nextDiagnostics(uri, version, timeoutMs = 10_000) {
      const seen = session.diagnostics.length;
      return waitUntil(
        `diagnostics for ${uri}`,
        () => session.diagnostics.slice(seen).find((d) => d.uri === uri && (version === undefined || d.version === version)),
        timeoutMs,
      );
    },
    open: (uri, languageId, text, version = 1) =>
      connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } }),
    change: (uri, text, version) =>
      connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] }),
    async shutdown() {
      await shutdownServer(connection, child, exited, 10_000);
      connection.dispose();
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
      connection.dispose();
    },
  };
}
