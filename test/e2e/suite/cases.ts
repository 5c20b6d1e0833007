// In-host cases at the `vscode` API level. Each creates the files it needs in the workspace folder
// (or a temp folder when the host was started without one).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ServerInfo } from '../../../protocol/lsp';

const EXTENSION_ID = 'ftlab.fine-tune-lab';

function workspaceDir(): string {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? mkdtempSync(join(tmpdir(), 'ftlab-inhost-'));
}

async function writeFile(name: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.file(join(workspaceDir(), name));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitForAsync<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const CASES: { name: string; fn: () => Promise<void> }[] = [
  {
    name: 'opening an experiment file gives it the experiment language and activates the extension',
    fn: async () => {
      const uri = await writeFile('activation.ftlab.yaml', 'name: activation\n');
      const document = await vscode.workspace.openTextDocument(uri);
      assert.equal(document.languageId, 'ftlab-experiment');
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension, `${EXTENSION_ID} is installed`);
      await extension.activate();
      assert.equal(extension.isActive, true);
    },
  },
  {
    name: 'every contributed command is registered',
    fn: async () => {
      const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
      const contributed = (extension.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
      const registered = new Set(await vscode.commands.getCommands(true));
      assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
      assert.ok(contributed.length >= 6);
    },
  },
  {
    name: 'both languages are known and pattern files get their language',
    fn: async () => {
      const languages = await vscode.languages.getLanguages();
      assert.ok(languages.includes('ftlab-experiment'));
      assert.ok(languages.includes('ftlab-pattern'));
      const uri = await writeFile('language.ftlab-pattern', '{sentence} Yes or No?');
      assert.equal((await vscode.workspace.openTextDocument(uri)).languageId, 'ftlab-pattern');
    },
  },
  {
    name: 'settings are contributed with their defaults',
    fn: async () => {
      const config = vscode.workspace.getConfiguration('ftlab');
      assert.equal(config.get('executionProvider'), 'auto');
      assert.equal(config.get('threads'), 0);
      assert.equal(config.get('hfCacheDir'), '');
      assert.equal(config.get('offline'), false);
      assert.equal(config.get('resultsDir'), '.ftlab/runs');
      assert.equal(config.get('trace.server'), 'off');
    },
  },
  {
    name: 'Show Training Server Info round-trips ftlab/serverInfo to a separate server process',
    fn: async () => {
      const info = (await vscode.commands.executeCommand('ftlab.showServerInfo')) as ServerInfo | undefined;
      assert.ok(info, 'the command returned the server info');
      assert.notEqual(info.pid, process.pid);
      assert.equal(info.serverVersion, vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.version);
      assert.equal(info.onnxruntimeError, undefined);
      assert.match(info.onnxruntimeVersion ?? '', /^\d+\.\d+\.\d+/);
      assert.ok(info.executionProviders.some((p) => p.name === 'cpu' && p.bundled));
    },
  },
  {
    name: 'a pattern file with a bad placeholder gets an error diagnostic at the placeholder',
    fn: async () => {
      const uri = await writeFile('broken.ftlab-pattern', '{sentence} is {not ok} here\n');
      await vscode.window.showTextDocument(uri);
      const diagnostics = await waitFor('pattern diagnostics', () => {
        const found = vscode.languages.getDiagnostics(uri);
        return found.length > 0 ? found : undefined;
      });
      assert.equal(diagnostics.length, 1);
      assert.equal(diagnostics[0].severity, vscode.DiagnosticSeverity.Error);
      assert.equal(diagnostics[0].source, 'ftlab');
      assert.deepEqual(
        [diagnostics[0].range.start.line, diagnostics[0].range.start.character, diagnostics[0].range.end.character],
        [0, 14, 22],
      );
    },
  },
  {
    name: 'fixing the pattern clears the diagnostic as the user types',
    fn: async () => {
      const uri = vscode.Uri.file(join(workspaceDir(), 'broken.ftlab-pattern'));
      const editor = await vscode.window.showTextDocument(uri);
      await editor.edit((edit) => edit.replace(new vscode.Range(0, 14, 0, 22), '{sentence}'));
      await waitFor('diagnostics to clear', () => (vscode.languages.getDiagnostics(uri).length === 0 ? true : undefined));
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    },
  },
  {
    name: 'an experiment with mistakes gets its diagnostics from the shared parser',
    fn: async () => {
      const uri = await writeFile('mistakes.ftlab.yaml', 'name: mistakes\nmodels: [facebook/opt-125m]\ntasks: [cola]\nmethods: [vanila]\nn: -2\n');
      await vscode.window.showTextDocument(uri);
      const diagnostics = await waitFor('experiment diagnostics', () => {
        const found = vscode.languages.getDiagnostics(uri);
        return found.length > 0 ? found : undefined;
      });
      assert.deepEqual(
        diagnostics.map((d) => [typeof d.code === 'object' ? d.code.value : d.code, d.range.start.line, d.range.start.character]),
        [
          ['unknown-method', 3, 10],
          ['out-of-range', 4, 3],
        ],
      );
    },
  },
  {
    name: 'Run Fine-Tune Comparison refuses a file with errors and says how many',
    fn: async () => {
      const uri = vscode.Uri.file(join(workspaceDir(), 'mistakes.ftlab.yaml'));
      const outcome = (await vscode.commands.executeCommand('ftlab.runComparison', uri)) as {
        kind: string;
        validation?: { errors: number; firstError?: string };
      };
      assert.equal(outcome.kind, 'refused');
      assert.equal(outcome.validation?.errors, 2);
      assert.match(outcome.validation?.firstError ?? '', /^line 4: Unknown method `vanila`/);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    },
  },
  {
    name: 'a killed server is restarted by the client and diagnostics keep working',
    fn: async () => {
      const before = (await vscode.commands.executeCommand('ftlab.showServerInfo')) as ServerInfo;
      process.kill(before.pid, 'SIGKILL');
      const after = await waitForAsync('a restarted server', async () => {
        const info = (await vscode.commands.executeCommand('ftlab.showServerInfo')) as ServerInfo | undefined;
        return info && info.pid !== before.pid ? info : undefined;
      });
      assert.notEqual(after.pid, before.pid);
      const uri = await writeFile('after-restart.ftlab-pattern', '{ok} and {not ok}');
      await vscode.window.showTextDocument(uri);
      const diagnostics = await waitFor('diagnostics from the restarted server', () => {
        const found = vscode.languages.getDiagnostics(uri);
        return found.length > 0 ? found : undefined;
      });
      assert.equal(diagnostics.length, 1);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    },
  },
];
