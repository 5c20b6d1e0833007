// Starts the language/training server (dist/server.js) as a Node child over IPC with
// vscode-languageclient. The client's default error handler restarts a crashed server (up to four
// times in three minutes, VS Code's usual limit) and then tells the user.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import {
  didChangeSettings,
  EXPERIMENT_LANGUAGE_ID,
  PATTERN_LANGUAGE_ID,
  type ServerInitializationOptions,
} from '../protocol/lsp';
import { Config } from './config';

/** Port the server's inspector listens on when the extension runs under the debugger. */
export const SERVER_DEBUG_PORT = 6009;

export function createLanguageClient(
  context: vscode.ExtensionContext,
  config: Config,
  outputChannel: vscode.OutputChannel,
): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: {
      module,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', `--inspect=${SERVER_DEBUG_PORT}`] },
    },
  };
  // A function, so a server restarted after a crash starts with the settings of that moment.
  const initializationOptions = (): ServerInitializationOptions => ({
    settings: config.serverSettings(),
    extensionVersion: String(context.extension.packageJSON.version),
  });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: EXPERIMENT_LANGUAGE_ID },
      { scheme: 'untitled', language: EXPERIMENT_LANGUAGE_ID },
      { scheme: 'file', language: PATTERN_LANGUAGE_ID },
      { scheme: 'untitled', language: PATTERN_LANGUAGE_ID },
    ],
    initializationOptions,
    outputChannel,
  };
  const client = new LanguageClient('ftlab', 'Fine-Tune Lab server', serverOptions, clientOptions);
  // `ftlab.trace.server` is read by the client itself (it looks up `<id>.trace.server`).
  context.subscriptions.push(
    Config.onDidChange(() => {
      if (client.isRunning()) void client.sendNotification(didChangeSettings, config.serverSettings());
    }),
  );
  return client;
}
