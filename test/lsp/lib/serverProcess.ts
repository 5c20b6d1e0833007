// Starts the real language server as a child process and talks LSP to it over Node IPC, the
// transport the extension uses. The server is bundled fresh from server/main.ts with the options
// of scripts/build.mjs, so the test exercises the current code in its shipped form.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import {
  createProtocolConnection,
  InitializeRequest,
  InitializedNotification,
  IPCMessageReader,
  IPCMessageWriter,
  PublishDiagnosticsNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import type { ServerInitializationOptions } from '../../../protocol/lsp';
import { shutdownServer } from '../../support/lspClient';

export const repoRoot = resolve(__dirname, '..', '..', '..');
const outDir = join(repoRoot, 'test-output', 'lsp');

let bundled: string | undefined;

/** Bundles server/main.ts once per test process. */
export function bundleServer(): string {
  if (bundled) return bundled;
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'server.js');
  buildSync({
    entryPoints: [join(repoRoot, 'server', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['onnxruntime-node'],
    outfile,
    logLevel: 'error',
  });
  bundled = outfile;
  return outfile;
}

export interface ServerUnderTest {
  connection: ProtocolConnection;
  child: ChildProcess;
  initializeResult: InitializeResult;
  /** Resolves with the next diagnostics published for `uri` that satisfy `accept`. */
  nextDiagnostics(uri: string, accept?: (p: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams>;
  /** Every diagnostics notification received so far, in order. */
  published: PublishDiagnosticsParams[];
  openDocument(uri: string, languageId: string, text: string, version?: number): Promise<void>;
  changeDocument(uri: string, text: string, version: number): Promise<void>;
  stop(): Promise<void>;
}

export const defaultInitOptions: ServerInitializationOptions = {
  settings: { executionProvider: 'cpu', threads: 1, hfCacheDir: '', offline: true, resultsDir: '.ftlab/runs' },
  extensionVersion: '0.0.0-test',
};

export interface StartOptions {
  /** Environment variables set for the server process on top of this one's (e.g. HF_HUB_CACHE). */
  env?: Record<string, string>;
}

export async function startServer(initializationOptions: unknown = defaultInitOptions, options: StartOptions = {}): Promise<ServerUnderTest> {
  const child = fork(bundleServer(), ['--node-ipc'], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, ...options.env },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  const published: PublishDiagnosticsParams[] = [];
  const waiters: { uri: string; accept: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    published.push(params);
    const index = waiters.findIndex((w) => w.uri === params.uri && w.accept(params));
    if (index >= 0) waiters.splice(index, 1)[0].resolve(params);
  });
  connection.listen();

  const initializeResult = await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(repoRoot).toString(),
    capabilities: {},
    initializationOptions,
  });
  await connection.sendNotification(InitializedNotification.type, {});

  return {
    connection,
    child,
    initializeResult,
    published,
    nextDiagnostics(uri, accept = () => true) {
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no diagnostics for ${uri} within 10 s; server stderr: ${stderr}`)),
          10_000,
        );
        waiters.push({
          uri,
          accept,
          resolve: (p) => {
            clearTimeout(timer);
            resolvePromise(p);
          },
        });
      });
    },
    openDocument: (uri, languageId, text, version = 1) =>
      connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId, version, text },
      }),
    changeDocument: (uri, text, version) =>
      connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version },
        contentChanges: [{ text }],
      }),
    async stop() {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      if (child.exitCode === null) await shutdownServer(connection, child, exited, 5000);
      connection.dispose();
    },
  };
}
