// `ftlab submit slurm` applies the allowed-roots rule of `ftlab run` before anything is submitted,
// with the same flag, environment variable and message, and hands the allowed folders to every
// shard on its command line. No Slurm is needed: a stand-in `sbatch` on PATH records whether it
// was called, and the generated script is then run by bash as an array task would run it, with an
// environment that does not carry $FTLAB_ALLOWED_ROOTS (as on sites with SBATCH_EXPORT=NONE).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readRunTrials } from '../../server/core/experiment';
import { makeWorkspace, scriptEnv } from '../unit/runner/lib/fixtures';
import { runCliProcess } from './lib/cliProcess';

const TSX = pathToFileURL(createRequire(__filename).resolve('tsx')).href;

/** A workspace whose experiment names a model folder in another temp folder, and a fake sbatch. */
function setUp() {
  const ws = makeWorkspace();
  const outside = mkdtempSync(join(tmpdir(), 'ftlab-outside-'));
  mkdirSync(join(outside, 'model'));
  copyFileSync(join(ws.dir, 'model', 'config.json'), join(outside, 'model', 'config.json'));
  writeFileSync(ws.experimentPath, `name: roots\nmodels: [${join(outside, 'model')}]\ntasks: [cola]\nmethods: [vanilla]\nn: [2]\nseeds: 2\n`);

  const bin = mkdtempSync(join(tmpdir(), 'ftlab-bin-'));
  const sbatchLog = join(bin, 'sbatch.log');
  writeFileSync(join(bin, 'sbatch'), `#!/bin/sh\necho "$@" >> '${sbatchLog}'\necho 4242\n`);
  // What the compute node runs as `node`: Node.js with the TypeScript loader, since the CLI under
  // test is server/cli/main.ts.
  const nodeWrapper = join(bin, 'node-tsx');
  writeFileSync(nodeWrapper, `#!/bin/sh\nexec '${process.execPath}' --import '${TSX}' "$@"\n`);
  for (const file of ['sbatch', 'node-tsx']) chmodSync(join(bin, file), 0o755);

  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}`, FTLAB_RESULTS_DIR: ws.resultsDir };
  delete env.FTLAB_ALLOWED_ROOTS;
  const sbatchCalls = () => (existsSync(sbatchLog) ? readFileSync(sbatchLog, 'utf8').trim().split('\n') : []);
  return { ws, outside, env, nodeWrapper, sbatchCalls };
}

test('a submission reading outside the allowed folders is refused like `ftlab run`, before sbatch runs', async () => {
  const { ws, outside, env, sbatchCalls } = setUp();
  const run = await runCliProcess(['run', 'exp.ftlab.yaml'], { cwd: ws.dir, env });
  assert.equal(run.code, 2, run.stderr);
  const refusal = run.stderr.trim().split('\n');
  assert.match(refusal[0], new RegExp(`^exp\\.ftlab\\.yaml:2:10: error: Model folder ${outside}/model is outside the folders this experiment may read: .*--allowed-roots or \\$FTLAB_ALLOWED_ROOTS\\. \\[path-not-allowed\\]$`));

  for (const extra of [[], ['--dry-run']]) {
    const submit = await runCliProcess(['submit', 'slurm', 'exp.ftlab.yaml', '--shards', '2', ...extra], { cwd: ws.dir, env });
    assert.equal(submit.code, 2, `${extra}: ${submit.stderr}`);
    assert.match(submit.stderr, /the experiment has errors; nothing was submitted:/);
    for (const line of refusal) assert.ok(submit.stderr.includes(`${line}\n`), `submit prints the line ftlab run prints: ${line}\n${submit.stderr}`);
    assert.equal(submit.stdout, '', 'no script was printed');
  }
  assert.deepEqual(sbatchCalls(), [], 'sbatch never ran');
  assert.equal(existsSync(ws.resultsDir), false, 'no run folder was made');
});

test('the allowed folders of --allowed-roots and $FTLAB_ALLOWED_ROOTS reach every shard, which accepts the file', async () => {
  const { ws, outside, env, nodeWrapper, sbatchCalls } = setUp();
  const common = ['submit', 'slurm', 'exp.ftlab.yaml', '--shards', '2', '--node', nodeWrapper];

  const byFlag = await runCliProcess([...common, '--allowed-roots', outside, '--run-id', '20260101-000000-flag'], { cwd: ws.dir, env });
  assert.equal(byFlag.code, 0, byFlag.stderr);
  // A relative folder in the variable is the submitting shell's, so the shards get it absolute.
  const relative = join('..', basename(outside));
  const byEnv = await runCliProcess([...common, '--run-id', '20260101-000000-env'], { cwd: ws.dir, env: { ...env, FTLAB_ALLOWED_ROOTS: relative } });
  assert.equal(byEnv.code, 0, byEnv.stderr);
  assert.equal(sbatchCalls().length, 2, 'one sbatch per submission');

  for (const runId of ['20260101-000000-flag', '20260101-000000-env']) {
    const runDir = join(ws.resultsDir, runId);
    const script = readFileSync(join(runDir, 'slurm', 'submit-1.sbatch'), 'utf8');
    assert.match(script, new RegExp(`--run-id ${runId} --allowed-roots ${outside}$`, 'm'), script);
    const record = JSON.parse(readFileSync(join(runDir, 'cluster.json'), 'utf8'));
    assert.deepEqual(record.submissions[0].allowedRoots, [outside], 'recorded for resubmissions');

    // Each array task, without $FTLAB_ALLOWED_ROOTS in its environment, runs its shard.
    for (const task of ['0', '1']) {
      const shardEnv = { PATH: env.PATH, HOME: env.HOME, SLURM_ARRAY_JOB_ID: '4242', SLURM_ARRAY_TASK_ID: task, SLURM_CPUS_PER_TASK: '1', ...trialEnv(ws.logFile) };
      const shard = spawnSync('bash', ['-c', script], { cwd: ws.dir, env: shardEnv, encoding: 'utf8', timeout: 120_000 });
      assert.equal(shard.status, 0, `${runId} shard ${task}:\n${shard.stdout}\n${shard.stderr}`);
    }
    const finished = readRunTrials(runDir).history.filter((r) => r.status === 'finished');
    assert.equal(finished.length, 2, `${runId}: both shards trained their trial`);
  }
});

/** The scripted stand-in for a trial (no model is loaded), and nothing else of this environment. */
function trialEnv(logFile: string): Record<string, string> {
  const all = scriptEnv({ epochs: 1, stepsPerEpoch: 1, stepMs: 1, logFile });
  return Object.fromEntries(Object.entries(all).filter(([k, v]) => k.startsWith('FTLAB_TEST_') && v !== undefined)) as Record<string, string>;
}
