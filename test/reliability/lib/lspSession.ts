// The built language/training server (builtProduct.ts: server.js with trainer.js beside it) as VS
// Code runs it, through the LSP client these tests share with the bench (test/support/lspClient.ts),
// so the tests exercise the real server, runner and trainer together. Trials are the real ones: a
// scripted-trial module named in this process's environment is not passed on.

import { settingsFor, startLspClient, type LspSession } from '../../support/lspClient';
import type { ServerSettings } from '../../../protocol/lsp';
import { buildProduct } from './builtProduct';

export { settingsFor, type LspSession };

export function startLspSession(options: { workspace: string; env?: NodeJS.ProcessEnv; settings?: Partial<ServerSettings> }): Promise<LspSession> {
  return startLspClient({
    ...options,
    serverJs: buildProduct().server,
    env: { FTLAB_TEST_TRIAL_MODULE: '', ...options.env },
    clientVersion: '0.0.0-reliability',
  });
}
