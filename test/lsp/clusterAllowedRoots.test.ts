// "Run Fine-Tune Comparison on Cluster…" and the allowed-roots rule: the shipped server, asked over
// LSP for a Slurm submission, checks the experiment against the folders of the
// `ftlab.data.allowedRoots` setting as a local run does, refuses a file reading elsewhere with the
// diagnostics the editor shows, and writes the setting's folders onto every shard's command line
// (a shard never sees the editor's settings). Only dry runs and refusals: no Slurm is needed.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import { didChangeSettings, submitClusterRequest, type ServerSettings } from '../../protocol/lsp';
import { bundleServerWithCli, startClusterServer, type ClusterServer } from '../slurm/lspServer';

const work = mkdtempSync(join(tmpdir(), 'ftlab-lsp-roots-'));
const workspace = join(work, 'workspace');
const outside = join(work, 'elsewhere');
const resultsDir = join(workspace, 'runs');
const experimentUri = pathToFileURL(join(workspace, 'exp.ftlab.yaml')).toString();
const SETTINGS: ServerSettings = { executionProvider: 'cpu', threads: 1, hfCacheDir: '', offline: true, resultsDir };
let server: ClusterServer | undefined;

before(async () => {
  mkdirSync(join(outside, 'model'), { recursive: true });
  mkdirSync(workspace, { recursive: true });
  copyFileSync(join(__dirname, '..', '..', 'models', 'tiny-opt-demo', 'config.json'), join(outside, 'model', 'config.json'));
  writeFileSync(join(workspace, 'exp.ftlab.yaml'), `name: roots\nmodels: [${join(outside, 'model')}]\ntasks: [cola]\nmethods: [vanilla]\nn: [2]\nseeds: 1\n`);
  server = await startClusterServer(bundleServerWithCli().server, resultsDir, workspace);
});

after(async () => {
  await server?.stop();
});

test('a cluster submission reading outside the allowed folders is refused with the path diagnostic, leaving nothing', async () => {
  const { connection } = server!;
  for (const dryRun of [true, false]) {
    await assert.rejects(connection.sendRequest(submitClusterRequest, { experimentUri, scheduler: 'slurm', shards: 2, dryRun }), (error: unknown) => {
      assert.ok(error instanceof ResponseError, String(error));
      assert.equal(error.code, -32602, 'InvalidParams, as ftlab/startRun answers');
      const diagnostics = (error.data as { diagnostics?: { code: string; message: string }[] }).diagnostics ?? [];
      assert.deepEqual(diagnostics.map((d) => d.code), ['path-not-allowed']);
      assert.match(diagnostics[0].message, new RegExp(`^Model folder ${outside}/model is outside the folders this experiment may read: .*ftlab\\.data\\.allowedRoots setting`));
      return true;
    });
  }
  assert.equal(existsSync(resultsDir) ? readdirSync(resultsDir).length : 0, 0, 'no run folder');
});

test("the setting's folders, relative ones against the workspace, go onto every shard's command line", async () => {
  const { connection } = server!;
  await connection.sendNotification(didChangeSettings, { ...SETTINGS, allowedRoots: [join('..', basename(outside))] });
  const dry = await connection.sendRequest(submitClusterRequest, { experimentUri, scheduler: 'slurm', shards: 2, dryRun: true });
  assert.match(dry.text, new RegExp(`--run-id ${dry.runId} --allowed-roots ${outside}$`, 'm'), dry.text);
});
