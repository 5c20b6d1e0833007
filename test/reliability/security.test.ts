// What an experiment file or a model folder from elsewhere cannot do, shown with the built CLI and
// language server: make the trainer read outside the workspace and the folders the user allowed
// (directly, through `..`, `~`, or a symbolic link), get a string run by a shell, or run code from
// a checkpoint (a pickle whose __reduce__ is os.system is refused, by `ftlab check-model` and by a
// run). The source tree is also checked for shell-invoking child-process calls.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import { resumeRunRequest, startRunRequest, type ServerSettings } from '../../protocol/lsp';
import { allowedRootsSetting } from '../../server/runner/lspBridge';
import { buildProduct, DEMO_MODEL, REPO } from './lib/builtProduct';
import { cliEnv, experimentYaml, makeWorkspace, type Workspace } from './lib/experiments';
import { startLspSession } from './lib/lspSession';
import { runCli } from './lib/processes';
import { readStoreLines, runFolders } from './lib/storeCheck';
import { removeAtExit } from './lib/tempDirs';

const product = buildProduct();
const QUICK = { methods: ['lora'], n: [2], seeds: 1, epochs: 1, evalExamples: 4 };

function copyModel(to: string, from = DEMO_MODEL, files = ['config.json', 'model.safetensors', 'vocab.json', 'merges.txt']): string {
  mkdirSync(to, { recursive: true });
  for (const f of files) copyFileSync(join(from, f), join(to, f));
  return to;
}

/** A workspace W plus a sibling folder outside it holding a model and a data file. */
function workspaceWithOutside(prefix: string): { ws: Workspace; outside: string } {
  const ws = makeWorkspace(prefix);
  const outside = removeAtExit(join(dirname(ws.dir), `${prefix}-outside-${process.pid}-${Date.now()}`));
  copyModel(join(outside, 'model'));
  writeFileSync(join(outside, 'secret.jsonl'), '{"text": "a private note", "label": "pos"}\n{"text": "another", "label": "neg"}\n');
  return { ws, outside };
}

async function run(ws: Workspace, yaml: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}) {
  writeFileSync(ws.experimentPath, yaml);
  return runCli(product.cli, ['run', ws.experimentPath, '--provider', 'cpu', ...extraArgs], { cwd: ws.dir, env: cliEnv(ws, env) });
}

const customTask = (train: string) => ({
  tasks: ['notes'],
  patterns: 'patterns:\n  notes: { pattern: "{text} ?", verbalizers: { neg: " No", pos: " Yes" } }',
  extra: ['data:', '  custom:', '    notes:', `      train: ${JSON.stringify(train)}`, `      eval: ${JSON.stringify(train)}`, '      fields: [text]', '      labels: [neg, pos]'].join('\n'),
});

test('model folders and data files outside the workspace are refused before anything is read; allowed folders and the git root work', async () => {
  const { ws, outside } = workspaceWithOutside('roots');
  const refusals: [string, string, RegExp][] = [
    ['a relative path out of the workspace', experimentYaml({ ...QUICK, models: [`../${relative(dirname(ws.dir), join(outside, 'model'))}`] }), /exp\.ftlab\.yaml:2:\d+: error: Model folder \S+-outside-\S+\/model is outside the folders this experiment may read: the folders an experiment may read are .* \[path-not-allowed\]/],
    ['an absolute path', experimentYaml({ ...QUICK, models: [join(outside, 'model')] }), /Model folder \S+\/model is outside the folders this experiment may read.*\[path-not-allowed\]/],
    ['a symbolic link inside the workspace pointing out', experimentYaml({ ...QUICK, models: ['./linked-model'] }), /Model folder \S+\/linked-model is outside the folders this experiment may read/],
    ['a data file outside', experimentYaml({ ...QUICK, ...customTask(join(outside, 'secret.jsonl')) }), /exp\.ftlab\.yaml:\d+:\d+: error: Data file \S+\/secret\.jsonl is outside the folders this experiment may read/],
    ['a system file as data', experimentYaml({ ...QUICK, ...customTask('/etc/passwd') }), /Data file \/etc\/passwd is outside the folders this experiment may read/],
    ['a home-folder model', experimentYaml({ ...QUICK, models: ['~/.ssh'] }), /Model folder \S+\/\.ssh is outside the folders this experiment may read/],
  ];
  symlinkSync(join(outside, 'model'), join(ws.dir, 'linked-model'));
  for (const [what, yaml, message] of refusals) {
    const end = await run(ws, yaml);
    assert.equal(end.code, 2, `${what}: refused\n${end.stdout}\n${end.stderr}`);
    assert.match(end.stderr, message, what);
    assert.ok(!existsSync(ws.resultsDir), `${what}: no run was created`);
  }

  // Allowed explicitly, by flag or by environment: the same files train.
  const allowed = await run(ws, experimentYaml({ ...QUICK, models: [join(outside, 'model')] }), ['--allowed-roots', outside]);
  assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
  const byEnv = await run(ws, experimentYaml({ ...QUICK, models: ['./linked-model'] }), ['--new'], { FTLAB_ALLOWED_ROOTS: `/nonexistent:${outside}` });
  assert.equal(byEnv.code, 0, byEnv.stdout + byEnv.stderr);

  // The workspace is the git root above the experiment file: a sibling folder of it is inside.
  const repo = makeWorkspace('git-root');
  mkdirSync(join(repo.dir, '.git'));
  copyModel(join(repo.dir, 'models', 'mine'));
  const nested: Workspace = { ...repo, experimentPath: join(repo.dir, 'experiments', 'exp.ftlab.yaml') };
  mkdirSync(dirname(nested.experimentPath));
  const inRepo = await run(nested, experimentYaml({ ...QUICK, models: ['../models/mine'] }));
  assert.equal(inRepo.code, 0, inRepo.stdout + inRepo.stderr);
});

test('a run started with an allowed folder is not resumed once the folder is no longer allowed', async () => {
  const { ws, outside } = workspaceWithOutside('roots-resume');
  writeFileSync(ws.experimentPath, experimentYaml({ ...QUICK, seeds: 2, models: [join(outside, 'model')] }));
  const first = await runCli(product.cli, ['run', ws.experimentPath, '--provider', 'cpu', '--allowed-roots', outside], { cwd: ws.dir, env: cliEnv(ws) });
  assert.equal(first.code, 0, first.stderr);
  const again = await runCli(product.cli, ['run', ws.experimentPath, '--provider', 'cpu'], { cwd: ws.dir, env: cliEnv(ws) });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /is outside the folders this experiment may read/);
  // Resuming by id reads the spec stored in the run folder, not the file: it is checked too.
  const [runId] = runFolders(ws.resultsDir);
  const session = await startLspSession({ workspace: ws.dir, settings: { resultsDir: ws.resultsDir } });
  try {
    await assert.rejects(session.connection.sendRequest(resumeRunRequest, { runId }), /The run reads model folder \S+\/model, outside the folders it may read/);
  } finally {
    await session.shutdown();
  }
});

test('the language server refuses a run reading outside the workspace, with the diagnostic; its environment can allow a folder', async () => {
  const { ws, outside } = workspaceWithOutside('roots-lsp');
  writeFileSync(ws.experimentPath, experimentYaml({ ...QUICK, models: [join(outside, 'model')] }));
  const uri = pathToFileURL(ws.experimentPath).toString();
  const session = await startLspSession({ workspace: ws.dir });
  try {
    const refused = await session.connection.sendRequest(startRunRequest, { experimentUri: uri }).then(
      () => assert.fail('the run started'),
      (e: ResponseError<{ diagnostics: { code: string; range: { start: { line: number } } }[] }>) => e,
    );
    assert.match(refused.message, /has 1 error: Model folder .* is outside the folders this experiment may read/);
    assert.deepEqual(refused.data?.diagnostics.map((d) => [d.code, d.range.start.line]), [['path-not-allowed', 1]]);
  } finally {
    await session.shutdown();
  }
  const allowing = await startLspSession({ workspace: ws.dir, env: { FTLAB_ALLOWED_ROOTS: outside } });
  try {
    const started = await allowing.connection.sendRequest(startRunRequest, { experimentUri: uri });
    assert.equal((await allowing.waitFinished(started.runId, 60_000)).state, 'finished');
  } finally {
    await allowing.shutdown();
  }
  // The ftlab.data.allowedRoots setting: relative folders are the workspace folder's, `~` is home.
  const settings = { allowedRoots: ['../shared-data', '~/datasets', 42, ''] } as unknown as ServerSettings;
  assert.deepEqual(allowedRootsSetting(settings, '/work/ws', {}), ['/work/shared-data', join(homedir(), 'datasets')]);
  assert.deepEqual(allowedRootsSetting({} as ServerSettings, '/work/ws', { FTLAB_ALLOWED_ROOTS: '/a:/b' }), ['/a', '/b']);
});

test('no shell ever runs user strings: paths and names full of shell syntax are inert', async () => {
  const hostile = '$(touch PWNED1) `touch PWNED2`; touch PWNED3 && x';
  const base = removeAtExit(join(tmpdir(), `ftlab-shell-${process.pid}`));
  const dir = join(base, hostile);
  mkdirSync(dir, { recursive: true });
  copyModel(join(dir, 'model $(touch PWNED4)'));
  const ws: Workspace = { dir, resultsDir: join(dir, 'runs;touch PWNED5'), experimentPath: join(dir, 'exp $(touch PWNED6).ftlab.yaml') };
  const yaml = experimentYaml({ ...QUICK, name: '"$(touch PWNED7)"', models: ['./model $(touch PWNED4)'] });
  const end = await run(ws, yaml);
  assert.equal(end.code, 0, end.stdout + end.stderr);
  const submit = await runCli(product.cli, ['submit', 'slurm', ws.experimentPath, '--shards', '2', '--partition', 'debug', '--dry-run'], { cwd: dir, env: cliEnv(ws) });
  assert.equal(submit.code, 0, submit.stderr);
  const report = await runCli(product.cli, ['report', '--results-dir', ws.resultsDir], { cwd: dir, env: cliEnv(ws) });
  assert.equal(report.code, 0, report.stderr);
  const created = (folder: string): string[] => readdirSync(folder, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? created(join(folder, e.name)) : [e.name]));
  assert.deepEqual([...created(base), ...readdirSync(REPO), ...readdirSync(tmpdir())].filter((f) => /^PWNED/.test(f)), [], 'no command ran');
});

test('the source tree starts child processes only without a shell', () => {
  const offenders: string[] = [];
  const scan = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) scan(path);
      else if (/\.(ts|mjs|js)$/.test(entry.name)) {
        const text = readFileSync(path, 'utf8');
        if (/shell\s*:\s*(true|['"`])/.test(text)) offenders.push(`${relative(REPO, path)}: shell option`);
        const imports = /import\s*\{([^}]*)\}\s*from\s*['"](node:)?child_process['"]/.exec(text)?.[1] ?? '';
        for (const name of imports.split(',').map((n) => n.replace(/^\s*type\s+/, '').trim()).filter(Boolean)) {
          if (!['fork', 'execFile', 'spawn', 'spawnSync', 'execFileSync', 'ChildProcess'].includes(name.split(/\s+as\s+/)[0])) offenders.push(`${relative(REPO, path)}: imports ${name}`);
        }
        if (/require\(['"](node:)?child_process['"]\)\.(exec|execSync)\b/.test(text)) offenders.push(`${relative(REPO, path)}: exec through require`);
      }
    }
  };
  for (const folder of ['server', 'extension', 'protocol', 'webview']) scan(join(REPO, folder));
  assert.deepEqual(offenders, [], 'exec/execSync and shell: true run a shell; use execFile/spawn with an argument list');
});

test('a checkpoint whose pickle would run os.system is refused by check-model and by a run, and nothing runs', async () => {
  const ws = makeWorkspace('pickle');
  const reference = join(REPO, 'test', 'fixtures', 'reference');
  const model = copyModel(join(ws.dir, 'evil-model'), join(reference, 'tiny-opt-prenorm'), ['config.json']);
  copyFileSync(join(reference, 'tokenizer', 'vocab.json'), join(model, 'vocab.json'));
  copyFileSync(join(reference, 'tokenizer', 'merges.txt'), join(model, 'merges.txt'));
  copyFileSync(join(REPO, 'test', 'fixtures', 'checkpoints', 'malicious.bin'), join(model, 'pytorch_model.bin'));

  const check = await runCli(product.cli, ['check-model', model, '--provider', 'cpu'], { cwd: ws.dir, env: cliEnv(ws) });
  assert.equal(check.code, 1, check.stdout + check.stderr);
  assert.match(check.stderr, /evil-model\/pytorch_model\.bin.*refusing to load the Python global '(posix|os)\.system'/);

  const end = await run(ws, experimentYaml({ ...QUICK, models: ['./evil-model'] }));
  assert.equal(end.code, 1, end.stdout + end.stderr);
  const [runId] = runFolders(ws.resultsDir);
  const [record] = readStoreLines(join(ws.resultsDir, runId)).records;
  assert.equal(record.status, 'failed');
  assert.match(record.error!.message, /evil-model\/pytorch_model\.bin.*refusing to load the Python global '(posix|os)\.system'/);
  assert.doesNotMatch(end.stdout + end.stderr + check.stdout + check.stderr, /this checkpoint ran code/, 'the command in the pickle never ran');
});
