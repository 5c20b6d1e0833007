// Typed reader for the `ftlab.*` settings (rust-analyzer style): one place knows the keys, their
// types and their defaults; the rest of the extension asks this object.
import * as vscode from 'vscode';
import type { ExecutionProviderSetting, ServerSettings } from '../protocol/lsp';

export const CONFIG_SECTION = 'ftlab';

export type TraceSetting = 'off' | 'messages' | 'verbose';

export class Config {
  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(CONFIG_SECTION);
  }

  get executionProvider(): ExecutionProviderSetting {
    return this.section.get<ExecutionProviderSetting>('executionProvider', 'auto');
  }

  /** 0 lets onnxruntime choose. */
  get threads(): number {
    return this.section.get<number>('threads', 0);
  }

  get hfCacheDir(): string {
    return this.section.get<string>('hfCacheDir', '');
  }

  get offline(): boolean {
    return this.section.get<boolean>('offline', false);
  }

  /** Relative to the workspace folder of the experiment. */
  get resultsDir(): string {
    return this.section.get<string>('resultsDir', '.ftlab/runs');
  }

  /** Extra folders experiment files may read models and data from (relative: to the workspace folder). */
  get allowedRoots(): string[] {
    const roots = this.section.get<unknown>('data.allowedRoots', []);
    return Array.isArray(roots) ? roots.filter((r): r is string => typeof r === 'string' && r.trim() !== '') : [];
  }

  get traceServer(): TraceSetting {
    return this.section.get<TraceSetting>('trace.server', 'off');
  }

  /** What the server receives at start and after every change. */
  serverSettings(): ServerSettings {
    return {
      executionProvider: this.executionProvider,
      threads: this.threads,
      hfCacheDir: this.hfCacheDir,
      offline: this.offline,
      resultsDir: this.resultsDir,
      allowedRoots: this.allowedRoots,
    };
  }

  /** Fires when any `ftlab.*` setting changes. */
  static onDidChange(listener: () => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(CONFIG_SECTION)) listener();
    });
  }
}
