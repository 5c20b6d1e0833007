// Diagnostics of an experiment file: exactly what the shared parser/validator reports (the CLI and
// the runner call the same `parseExperiment`), with verbalizers checked against the tokenizer of
// each model the file names. Its diagnostics are already LSP-shaped (0-based lines, UTF-16
// characters); `data` carries suggestions for quick fixes.
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseExperiment } from '../core/experiment/parse';
import { allowedRootsSetting } from '../runner/lspBridge';
import { allowedRootsFor } from '../runner/prepareRun';
import type { FeatureContext } from './featureContext';
import { withTokenChecks } from './verbalizerTokens';

/** The file path behind a `file:` URI; relative paths in the experiment resolve against its folder. */
export function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export async function diagnoseExperimentFile(document: TextDocument, ctx: FeatureContext): Promise<Diagnostic[]> {
  const text = document.getText();
  const filePath = filePathOf(document.uri);
  // The same folder rule as the runner, so a path it would refuse is a problem while typing.
  const allowedRoots = (dir: string | undefined) =>
    dir ? allowedRootsFor(dir, { allowedRoots: allowedRootsSetting(ctx.settings(), undefined), hub: { cacheDir: ctx.hubCacheDir(), offline: false } }) : undefined;
  const { diagnostics } = await withTokenChecks(ctx, ({ checkToken }) => parseExperiment(text, { filePath, env: { checkToken, allowedRoots } }));
  return diagnostics.map(({ severity, message, range, code, source, data }) => ({
    severity,
    message,
    range,
    code,
    source,
    ...(data ? { data } : {}),
  }));
}
