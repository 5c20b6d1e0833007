// Wires the LSP connection: document sync for experiment and pattern files, debounced diagnostics,
// completion, hover and quick fixes, settings, and the custom `ftlab/*` requests defined in
// protocol/lsp.ts. The run requests are
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
import { createFeatureContext, type FeatureContext } from './featureContext';
import { FEATURE_CAPABILITIES, registerLanguageFeatures } from './languageFeatures';
import { collectServerInfo, serverVersion } from './serverInfo';
import { DEFAULT_SETTINGS, sanitizeSettings } from './settings';
import { validateExperiment } from './validateExperiment';

export interface LanguageServerState {
  readonly settings: () => ServerSettings;
  readonly documents: TextDocuments<TextDocument>;
  /** Settings and tokenizers the language features share. */
  readonly features: FeatureContext;
}

export function startLanguageServer(connection: Connection): LanguageServerState {
  const documents = new TextDocuments(TextDocument);
  let settings: ServerSettings = DEFAULT_SETTINGS;
  let extensionVersion = 'unknown';

  const features = createFeatureContext(() => settings);
  const scheduler = new DiagnosticScheduler(connection, (document) => diagnoseDocument(document, features), (uri) => documents.get(uri));

  connection.onInitialize((params): InitializeResult => {
    const options = params.initializationOptions as Partial<ServerInitializationOptions> | undefined;
    settings = sanitizeSettings(options?.settings);
    if (typeof options?.extensionVersion === 'string') extensionVersion = options.extensionVersion;
    return {
      capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, ...FEATURE_CAPABILITIES },
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
  connection.onRequest(validateExperimentRequest, (params) => validateExperiment(connection, documents, features, params));
  registerLanguageFeatures(connection, documents, features);

  documents.onDidChangeContent(({ document }) => {
    if (isCheckedLanguage(document.languageId)) scheduler.schedule(document);
  });
  documents.onDidClose(({ document }) => scheduler.clear(document.uri));
  connection.onShutdown(() => scheduler.dispose());

  documents.listen(connection);
  return { settings: () => settings, documents, features };
}
