// The extension's state, handed to every command factory (rust-analyzer's Ctx): the settings
// reader, the output channel, the status bar, and the language client once it has started.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { createLanguageClient } from './client';
import { Config } from './config';
import { PanelBridge } from './panelBridge';
import { RunTracker } from './runTracker';
import { StatusBar } from './statusBar';

export class Ctx implements vscode.Disposable {
  readonly config = new Config();
  readonly output = vscode.window.createOutputChannel('Fine-Tune Lab', { log: true });
  readonly statusBar = new StatusBar();
  readonly panels: PanelBridge = new PanelBridge(this);
  readonly runs: RunTracker = new RunTracker(this);
  private languageClient: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;

  constructor(readonly extensionContext: vscode.ExtensionContext) {}

  /** Starts the server once; later calls share the same start. */
  start(): Promise<LanguageClient> {
    this.starting ??= this.startClient();
    return this.starting;
  }

  /** The running client; starts it if needed. Rejects with the start error if it cannot start. */
  async client(): Promise<LanguageClient> {
    const client = await this.start();
    // After the server crashed more often than the client restarts it, a command tries once more.
    if (client.state === State.Stopped) await client.start();
    return client;
  }

  async dispose(): Promise<void> {
    this.runs.dispose();
    this.panels.dispose();
    this.statusBar.dispose();
    try {
      await this.languageClient?.dispose();
    } finally {
      this.output.dispose();
    }
  }

  private async startClient(): Promise<LanguageClient> {
    const client = createLanguageClient(this.extensionContext, this.config, this.output);
    this.languageClient = client;
    this.runs.attach(client);
    client.onDidChangeState(({ newState }) => {
      this.statusBar.setServerState(
        newState === State.Running ? 'running' : newState === State.Starting ? 'starting' : 'stopped',
      );
    });
    try {
      await client.start();
    } catch (error) {
      this.statusBar.setServerState('stopped');
      // Let a later command try again instead of holding on to a failed start forever.
      this.starting = undefined;
      this.output.error(`The Fine-Tune Lab server did not start: ${describeError(error)}`);
      throw error;
    }
    return client;
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
