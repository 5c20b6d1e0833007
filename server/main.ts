// Entry of the language/training server process (dist/server.js). The extension host starts it
// through vscode-languageclient over IPC; tests start it the same way (or with --stdio). The
// transport is picked from the command line (--node-ipc, --stdio, --socket=N) by the library.
// Language features answer here; training runs in a trainer child process the runner manages
// (server/runner/), so a blocking or crashing training step never stalls diagnostics.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startLanguageServer } from './lsp/languageServer';
import { registerRunRequests } from './runner/lspBridge';
import { registerClusterRequests } from './cluster/lspCluster';

const connection = createConnection(ProposedFeatures.all);
const state = startLanguageServer(connection);
const runs = registerRunRequests(connection, { settings: state.settings });
registerClusterRequests(connection, { settings: state.settings });
connection.onShutdown(() => void runs.dispose());
connection.listen();
