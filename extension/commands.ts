// Every command of the extension as a factory from one table (rust-analyzer style): the table is
// the single list of command ids, and each factory gets the extension's Ctx.
import * as vscode from 'vscode';
import { serverInfoRequest, type ServerInfo } from '../protocol/lsp';
import type { Ctx } from './ctx';
import { newExperiment } from './newExperiment';
import { ResultsPanel } from './resultsPanel';
import { cancelRun, resumeRun, runComparison } from './runCommands';
import { runOnCluster } from './clusterCommand';

type Command = (...args: unknown[]) => unknown;
type CommandFactory = (ctx: Ctx) => Command;

export const COMMANDS = {
  'ftlab.runComparison': (ctx) => (uri) => runComparison(ctx, uri instanceof vscode.Uri ? uri : undefined),
  'ftlab.runOnCluster': (ctx) => (uri) => runOnCluster(ctx, uri instanceof vscode.Uri ? uri : undefined),
  'ftlab.cancelRun': (ctx) => () => cancelRun(ctx),
  'ftlab.resumeRun': (ctx) => (runId) => resumeRun(ctx, typeof runId === 'string' ? runId : undefined),
  'ftlab.openResults': (ctx) => () => {
    ResultsPanel.createOrShow(ctx.extensionContext);
  },
  'ftlab.showServerInfo': (ctx) => () => showServerInfo(ctx),
  'ftlab.newExperiment': (ctx) => () => newExperiment(ctx),
} satisfies Record<string, CommandFactory>;

export type CommandId = keyof typeof COMMANDS;

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, factory]) =>
    vscode.commands.registerCommand(id, (factory as CommandFactory)(ctx)),
  );
}

/** Round-trips `ftlab/serverInfo`, shows the answer, and sends it to the results panel. */
async function showServerInfo(ctx: Ctx): Promise<ServerInfo | undefined> {
  let info: ServerInfo;
  try {
    const client = await ctx.client();
    info = await client.sendRequest(serverInfoRequest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`Fine-Tune Lab: the training server did not answer: ${message}`);
    return undefined;
  }
  ctx.output.info(`server info: ${JSON.stringify(info)}`);
  ResultsPanel.createOrShow(ctx.extensionContext).post({ type: 'serverInfo', info });
  void vscode.window.showInformationMessage(describeServerInfo(info));
  return info;
}

export function describeServerInfo(info: ServerInfo): string {
  const runtime = info.onnxruntimeVersion
    ? `onnxruntime ${info.onnxruntimeVersion}, providers: ${
        info.executionProviders
          .filter((p) => p.bundled || p.libraryPresent)
          .map((p) => p.name)
          .join(', ') || 'none'
      }`
    : `onnxruntime not available (${info.onnxruntimeError ?? 'unknown reason'})`;
  return `Fine-Tune Lab server ${info.serverVersion} (pid ${info.pid}, Node ${info.nodeVersion}): ${runtime}.`;
}
