// "New Experiment": writes a commented experiment file from one of the templates shipped in
// media/templates/ and opens it. A template's first line is `# <title> — <description>`, which
// becomes its entry in the picker.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';

interface Template {
  label: string;
  detail: string;
  uri: vscode.Uri;
  fileName: string;
}

async function readTemplates(ctx: Ctx): Promise<Template[]> {
  const folder = vscode.Uri.joinPath(ctx.extensionContext.extensionUri, 'media', 'templates');
  const entries = await vscode.workspace.fs.readDirectory(folder);
  const templates: Template[] = [];
  for (const [fileName, type] of entries) {
    if (type !== vscode.FileType.File || !fileName.endsWith('.ftlab.yaml')) continue;
    const uri = vscode.Uri.joinPath(folder, fileName);
    const firstLine = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)).split('\n', 1)[0];
    const [label, detail = ''] = firstLine.replace(/^#\s*/, '').split(' — ');
    templates.push({ label, detail, uri, fileName });
  }
  return templates.sort((a, b) => a.fileName.localeCompare(b.fileName));
}

export async function newExperiment(ctx: Ctx): Promise<vscode.Uri | undefined> {
  const templates = await readTemplates(ctx);
  const template =
    templates.length === 1
      ? templates[0]
      : await vscode.window.showQuickPick(templates, { title: 'New Fine-Tune Lab experiment from…' });
  if (!template) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: 'Save the new experiment',
    defaultUri: folder ? vscode.Uri.joinPath(folder, template.fileName) : undefined,
    filters: { 'Fine-Tune Lab experiment': ['yaml'] },
  });
  if (!target) return undefined;
  const path = target.path.endsWith('.ftlab.yaml') ? target : target.with({ path: `${target.path}.ftlab.yaml` });
  await vscode.workspace.fs.writeFile(path, await vscode.workspace.fs.readFile(template.uri));
  await vscode.window.showTextDocument(path);
  ctx.output.info(`new experiment ${path.fsPath} from template ${template.fileName}`);
  return path;
}
