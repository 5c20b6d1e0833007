// The vertical slice over a real LSP connection: initialize, then `ftlab/serverInfo`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocumentSyncKind } from 'vscode-languageserver-protocol/node';
import { didChangeSettings, serverInfoRequest } from '../../protocol/lsp';
import { defaultInitOptions, repoRoot, startServer } from './lib/serverProcess';

const packageVersion = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version as string;
const ortVersion = JSON.parse(readFileSync(join(repoRoot, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8'))
  .version as string;

test('initialize announces incremental sync and the server name and version', async () => {
  const server = await startServer();
  try {
    const { capabilities, serverInfo } = server.initializeResult;
    assert.equal(capabilities.textDocumentSync, TextDocumentSyncKind.Incremental);
    assert.deepEqual(serverInfo, { name: 'Fine-Tune Lab server', version: packageVersion });
  } finally {
    await server.stop();
  }
});

test('ftlab/serverInfo answers with this process, onnxruntime and its providers', async () => {
  const server = await startServer();
  try {
    const info = await server.connection.sendRequest(serverInfoRequest);
    assert.equal(info.pid, server.child.pid);
    assert.equal(info.serverVersion, packageVersion);
    assert.equal(info.nodeVersion, process.versions.node);
    assert.equal(info.platform, process.platform);
    assert.equal(info.arch, process.arch);
    assert.equal(info.onnxruntimeError, undefined);
    assert.equal(info.onnxruntimeVersion, ortVersion);
    const cpu = info.executionProviders.find((p) => p.name === 'cpu');
    assert.deepEqual(cpu, { name: 'cpu', bundled: true, libraryPresent: true });
    // CUDA is never bundled in onnxruntime-node; its libraries are only present after a CUDA install.
    const cuda = info.executionProviders.find((p) => p.name === 'cuda');
    assert.equal(cuda?.bundled, false);
    assert.equal(info.executionProviderSetting, defaultInitOptions.settings.executionProvider);
  } finally {
    await server.stop();
  }
});

test('settings changes reach the server, and invalid values fall back to defaults', async () => {
  const server = await startServer({ settings: { executionProvider: 'tpu', threads: -3 }, extensionVersion: 7 });
  try {
    assert.equal((await server.connection.sendRequest(serverInfoRequest)).executionProviderSetting, 'auto');
    await server.connection.sendNotification(didChangeSettings, { ...defaultInitOptions.settings, executionProvider: 'webgpu' });
    assert.equal((await server.connection.sendRequest(serverInfoRequest)).executionProviderSetting, 'webgpu');
  } finally {
    await server.stop();
  }
});

test('the server exits with code 0 after shutdown and exit', async () => {
  const server = await startServer();
  await server.stop();
  assert.equal(server.child.exitCode, 0);
});
