// Entry of the language/training server process (dist/server.js). The extension host starts it
// through vscode-languageclient over IPC; tests start it the same way (or with --stdio). The
// transport is picked from the command line (--node-ipc, --stdio, --socket=N) by the library.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startLanguageServer } from './lsp/languageServer';

const connection = createConnection(ProposedFeatures.all);
startLanguageServer(connection);
connection.listen();
