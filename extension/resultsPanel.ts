// The results panel's host side (webview-sample style): one panel at a time, created or revealed
// by a command, restored by a serializer after a window reload. Messages both ways are typed in
// protocol/webview.ts and validated on arrival. The panel saves exports itself; everything else
// the webview asks (`ready`, `openRun`, `requestRuns`) goes to whoever registered onMessage.
import * as vscode from 'vscode';
import {
  createMessageDispatcher,
  type HostToWebview,
  type MessageOf,
  parseHostToWebview,
  parseWebviewToHost,
  runDataMessage,
  type WebviewToHost,
} from '../protocol/webview';
import { createNonce, renderResultsPanelHtml } from './resultsPanelHtml';
import { WebviewOutbox } from './webviewOutbox';

type ExportMessage = MessageOf<WebviewToHost, 'exportData'>;
type PngMessage = MessageOf<WebviewToHost, 'savePng'>;

const safeFileName = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);

export class ResultsPanel implements vscode.Disposable {
  static readonly viewType = 'ftlab.results';
  static current: ResultsPanel | undefined;
  /** Where validation failures and export errors are logged; the extension may point it at its channel. */
  static log: (line: string) => void = (line) => console.warn(line);

  private static readonly created = new vscode.EventEmitter<ResultsPanel>();
  /** Fires for new and for restored panels, so their messages can be wired in one place. */
  static readonly onDidCreate = ResultsPanel.created.event;

  private readonly outbox: WebviewOutbox;
  private readonly handlers = new Set<(message: WebviewToHost) => void>();
  private readonly disposables: vscode.Disposable[] = [];

  /**
   * Opens the panel beside the active editor, or reveals it where the user left it (moving it
   * "beside" again would open one more editor column at every run). `preserveFocus` keeps the
   * focus in the editor, e.g. when a run started from it opens the panel.
   */
  static createOrShow(context: vscode.ExtensionContext, options: { preserveFocus?: boolean } = {}): ResultsPanel {
    const preserveFocus = options.preserveFocus ?? false;
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
    if (ResultsPanel.current) {
      const { panel } = ResultsPanel.current;
      panel.reveal(panel.viewColumn ?? column, preserveFocus);
      return ResultsPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(ResultsPanel.viewType, 'Fine-Tune Lab Results', { viewColumn: column, preserveFocus }, {
      ...ResultsPanel.webviewOptions(context),
      // The webview keeps its view state with setState; its page is rebuilt when shown again.
      retainContextWhenHidden: false,
    });
    return new ResultsPanel(panel, context);
  }

  /** Restores the panel after a window reload (needs the `onWebviewPanel:ftlab.results` activation event). */
  static registerSerializer(context: vscode.ExtensionContext): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(ResultsPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        ResultsPanel.current?.dispose();
        new ResultsPanel(panel, context);
      },
    });
  }

  private static webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')],
    };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
  ) {
    ResultsPanel.current = this;
    const webview = panel.webview;
    webview.options = ResultsPanel.webviewOptions(context);
    webview.html = renderResultsPanelHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview.js')).toString(),
    });
    this.outbox = new WebviewOutbox((message) => void webview.postMessage(message));

    const dispatch = createMessageDispatcher(
      parseWebviewToHost,
      {
        ready: (m) => {
          this.outbox.markReady();
          this.forward(m);
        },
        exportData: (m) => void this.saveExport(m),
        savePng: (m) => void this.savePng(m),
        openRun: (m) => this.forward(m),
        requestRuns: (m) => this.forward(m),
      },
      (error) => ResultsPanel.log(`[results panel] ignored a message from the webview: ${error}`),
    );
    this.disposables.push(
      webview.onDidReceiveMessage(dispatch),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.outbox.markGone();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    ResultsPanel.created.fire(this);
  }

  /**
   * Sends a message once the webview is ready; what it should show is replayed after a reload.
   * Run data is first cleared of records the webview would reject (one bad line must not hide a
   * whole run); anything else the webview would drop is logged here, where the bug is.
   */
  post(message: HostToWebview): void {
    const outgoing = message.type === 'runData' ? runDataMessage(message.summary, message.trials, message.warnings) : message;
    const check = parseHostToWebview(outgoing);
    if (!check.ok) {
      ResultsPanel.log(`[results panel] not sent, the webview would reject it: ${check.error}`);
      return;
    }
    this.outbox.post(outgoing);
  }

  onMessage(handler: (message: WebviewToHost) => void): vscode.Disposable {
    this.handlers.add(handler);
    return new vscode.Disposable(() => this.handlers.delete(handler));
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    if (ResultsPanel.current === this) ResultsPanel.current = undefined;
    this.handlers.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  private forward(message: WebviewToHost): void {
    for (const handler of this.handlers) {
      try {
        handler(message);
      } catch (error) {
        ResultsPanel.log(`[results panel] a handler of '${message.type}' failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private async saveTo(defaultName: string, filters: Record<string, string[]>, bytes: Uint8Array, title: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title,
      defaultUri: folder ? vscode.Uri.joinPath(folder, defaultName) : undefined,
      filters,
    });
    if (!target) return;
    try {
      await vscode.workspace.fs.writeFile(target, bytes);
      void vscode.window.showInformationMessage(`Saved ${vscode.workspace.asRelativePath(target)}`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      ResultsPanel.log(`[results panel] could not save ${target.toString()}: ${reason}`);
      void vscode.window.showErrorMessage(`Fine-Tune Lab could not save ${target.fsPath}: ${reason}`);
    }
  }

  private saveExport(m: ExportMessage): Promise<void> {
    const filters: Record<string, string[]> = m.format === 'csv' ? { 'CSV table': ['csv'] } : { 'JSON table': ['json'] };
    return this.saveTo(`${safeFileName(m.runId)}-results.${m.format}`, filters, new TextEncoder().encode(m.content), 'Export results table');
  }

  private savePng(m: PngMessage): Promise<void> {
    // The validator admitted only "data:image/png;base64,<base64>".
    const bytes = Buffer.from(m.dataUrl.slice(m.dataUrl.indexOf(',') + 1), 'base64');
    return this.saveTo(`${safeFileName(m.runId)}-${m.chart}.png`, { 'PNG image': ['png'] }, bytes, 'Save chart as PNG');
  }
}
