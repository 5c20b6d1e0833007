// Answers the results webview's questions with the server's run store: on `ready` and
// `requestRuns` the list of runs (ftlab/listRuns over every workspace folder), on `openRun` that
// run's records (ftlab/readRun). The panel itself (resultsPanel.ts) validates and queues messages.
import * as vscode from 'vscode';
import { listRunsRequest, readRunRequest, type RunSummary } from '../protocol/lsp';
import { describeError, type Ctx } from './ctx';
import { ResultsPanel } from './resultsPanel';

export class PanelBridge implements vscode.Disposable {
  /** runId → store folder, from the latest listing and from runs started here. */
  private readonly runDirs = new Map<string, string>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly ctx: Ctx) {
    ResultsPanel.log = (line) => ctx.output.warn(line);
    this.subscription = ResultsPanel.onDidCreate((panel) => {
      panel.onMessage((message) => {
        switch (message.type) {
          case 'ready':
          case 'requestRuns':
            void this.sendRuns(panel);
            break;
          case 'openRun':
            void this.sendRun(panel, message.runId);
            break;
          default:
            break;
        }
      });
    });
  }

  rememberRun(runId: string, runDir: string): void {
    this.runDirs.set(runId, runDir);
  }

  /**
   * Switches the open panel (if any) to a run that just started or resumed, whatever run it showed
   * before: that is the run the user wants to watch, and only the shown run gets live updates.
   */
  showRun(runId: string): void {
    const panel = ResultsPanel.current;
    if (panel) void this.sendRun(panel, runId).then(() => this.sendRuns(panel));
  }

  /** Sends the open panel (if any) the current list, e.g. after a run started or ended. */
  refreshRuns(): void {
    if (ResultsPanel.current) void this.sendRuns(ResultsPanel.current);
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private async listRuns(): Promise<RunSummary[]> {
    const client = await this.ctx.client();
    const runs: RunSummary[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const listed = await client.sendRequest(listRunsRequest, { workspaceFolderUri: folder.uri.toString() });
      runs.push(...listed.runs);
    }
    for (const run of runs) this.runDirs.set(run.runId, run.runDir);
    return runs;
  }

  private async sendRuns(panel: ResultsPanel): Promise<void> {
    try {
      panel.post({ type: 'runs', runs: await this.listRuns() });
    } catch (error) {
      // Without a run store to read, the panel keeps its empty state, which says how to start a run.
      this.ctx.output.warn(`results panel: could not list runs: ${describeError(error)}`);
    }
  }

  private async sendRun(panel: ResultsPanel, runId: string): Promise<void> {
    try {
      if (!this.runDirs.has(runId)) await this.listRuns();
      const runDir = this.runDirs.get(runId);
      if (!runDir) throw new Error(`no run ${runId} in this workspace`);
      const client = await this.ctx.client();
      const data = await client.sendRequest(readRunRequest, { runDir });
      panel.post({ type: 'runData', ...data });
    } catch (error) {
      this.ctx.output.warn(`results panel: could not read run ${runId}: ${describeError(error)}`);
    }
  }
}
