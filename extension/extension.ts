// Activation stays thin (rust-analyzer style): build the Ctx, register the command table and the
// results panel's serializer, start the server. Everything else lives in the modules named here.
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { Ctx } from './ctx';
import { ResultsPanel } from './resultsPanel';

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  ctx = new Ctx(context);
  context.subscriptions.push(...registerCommands(ctx), ResultsPanel.registerSerializer(context));
  // A server that cannot start is reported in the output channel and the status bar; the commands
  // stay registered and try again when used.
  await ctx.start().catch(() => undefined);
}

export async function deactivate(): Promise<void> {
  await ctx?.dispose();
  ctx = undefined;
}
