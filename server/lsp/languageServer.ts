// Wires the LSP connection: document sync for experiment and pattern files, debounced diagnostics,
// settings, and the custom `ftlab/*` requests defined in protocol/lsp.ts. The run requests are
// registered by the experiment runner; this file only owns what the language server itself serves.
import { TextDocuments, TextDocumentSyncKind, type Connection, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  didChangeSettings,
  serverInfoRequest,
  validateExperimentRequest,
  type ServerInitializationOptions,
  type ServerSettings,
} from '../../protocol/lsp';
import { DiagnosticScheduler } from './diagnosticScheduler';
import { diagnoseDocument, isCheckedLanguage } from './diagnostics';
import { collectServerInfo, serverVersion } from './serverInfo';
import { DEFAULT_SETTINGS, sanitizeSettings } from './settings';
import { validateExperiment } from './validateExperiment';

export interface LanguageServerState {
  readonly settings: () => ServerSettings;
  readonly documents: TextDocuments<TextDocument>;
}

export function startLanguageServer(connection: Connection): LanguageServerState {
  const documents = new TextDocuments(TextDocument);
  let settings: ServerSettings = DEFAULT_SETTINGS;
  let extensionVersion = 'unknown';

  const scheduler = new DiagnosticScheduler(connection, diagnoseDocument, (uri) => documents.get(uri));

  connection.onInitialize((params): InitializeResult => {
    const options = params.initializationOptions as Partial<ServerInitializationOptions> | undefined;
    settings = sanitizeSettings(options?.settings);
    if (typeof options?.extensionVersion === 'string') extensionVersion = options.extensionVersion;
    return {
      capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
      serverInfo: { name: 'Fine-Tune Lab server', version: serverVersion(extensionVersion) },
    };
  });

  connection.onNotification(didChangeSettings, (next) => {
    settings = sanitizeSettings(next);
    // Checks may depend on settings (e.g. the HF cache holds the tokenizer): recheck open files.
    for (const document of documents.all()) {
      if (isCheckedLanguage(document.languageId)) scheduler.schedule(document);
    }
  });

  connection.onRequest(serverInfoRequest, () => collectServerInfo(settings, extensionVersion));
  connection.onRequest(validateExperimentRequest, (params) => validateExperiment(connection, documents, params));

  documents.onDidChangeContent(({ document }) => {
    if (isCheckedLanguage(document.languageId)) scheduler.schedule(document);
  });
  documents.onDidClose(({ document }) => scheduler.clear(document.uri));
  connection.onShutdown(() => scheduler.dispose());

  documents.listen(connection);
  return { settings: () => settings, documents };
}
