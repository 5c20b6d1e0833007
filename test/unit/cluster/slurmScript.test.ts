// The sbatch script without a cluster: its #SBATCH lines, what it refuses, and what it actually
// runs when bash executes it the way a Slurm array task would (task id and CPUs in the environment).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { arraySpec, renderSlurmScript, type SlurmScriptInput } from '../../../server/cluster/slurmScript';
import { planSlurmRun } from '../../../server/cluster/slurm';

const STAND_IN = resolve(__dirname, '..', '..', 'slurm', 'fixtures', 'standInCli.mjs');

function input(extra: Partial<SlurmScriptInput> = {}): SlurmScriptInput {
  return {
    experimentPath: '/data/exp.ftlab.yaml',
    resultsDir: '/shared/runs',
    runId: '20260101-000000-demo',
    shardCount: 3,
    shardIndices: [0, 1, 2],
    cliPath: '/opt/ftlab/dist/cli.js',
    nodeCommand: 'node',
    logDir: '/shared/logs',
    jobName: 'ftlab-demo-1',
    cpusPerTask: 4,
    ...extra,
  };
}

function directives(script: string): string[] {
  return script.split('\n').filter((l) => l.startsWith('#SBATCH ')).map((l) => l.slice('#SBATCH '.length));
}

test('one array task per shard, with the requested resources', () => {
  const script = renderSlurmScript(input({ partition: 'gpu', gpusPerTask: 1, time: '02:00:00', maxConcurrent: 2 }));
  assert.deepEqual(directives(script), [
    '--job-name=ftlab-demo-1',
    '--array=0-2%2',
    '--output="/shared/logs/slurm-%A_%a.out"',
    '--ntasks=1',
    '--cpus-per-task=4',
    '--partition=gpu',
    '--gpus-per-task=1',
    '--time=02:00:00',
  ]);
  assert.match(script, /^set -euo pipefail$/m);
  assert.match(script, /^export FTLAB_THREADS="\$\{SLURM_CPUS_PER_TASK:-1\}"$/m);
  assert.match(script, /^exec node \/opt\/ftlab\/dist\/cli\.js run \/data\/exp\.ftlab\.yaml --shard "\$\{SLURM_ARRAY_TASK_ID\}\/3" --results-dir \/shared\/runs --run-id 20260101-000000-demo$/m);
  const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('array specs: ranges for contiguous shards, lists otherwise', () => {
  assert.equal(arraySpec([0, 1, 2, 3]), '0-3');
  assert.equal(arraySpec([1]), '1');
  assert.equal(arraySpec([4, 1, 1]), '1,4');
});

test('values sbatch would misread are refused', () => {
  const bad: [Partial<SlurmScriptInput>, RegExp][] = [
    [{ partition: 'gpu\n#SBATCH --uid=0' }, /partition/],
    [{ partition: 'a b' }, /partition/],
    [{ time: '2 hours' }, /time limit/],
    [{ gpusPerTask: '1; rm' }, /gpus-per-task/],
    [{ logDir: '/logs/"quoted"' }, /log folder/],
    [{ logDir: '/logs/100%' }, /log folder/],
    [{ logDir: 'relative/logs' }, /absolute/],
    [{ experimentPath: 'exp.yaml' }, /absolute/],
    [{ shardIndices: [3] }, /outside 0\.\.2/],
    [{ shardIndices: [] }, /no shard/],
    [{ cpusPerTask: 0 }, /cpus-per-task/],
    [{ jobName: 'a b' }, /job name/],
    [{ allowedRoots: ['shared/models'] }, /allowed folder must be absolute/],
    [{ allowedRoots: ['/shared/a:b'] }, /allowed folder may not contain ':'/],
  ];
  for (const [extra, message] of bad) assert.throws(() => renderSlurmScript(input(extra)), message, JSON.stringify(extra));
  // Slurm's own time formats all pass.
  for (const time of ['30', '30:00', '4:00:00', '2-0', '2-12:00', '2-12:00:00', 'UNLIMITED']) renderSlurmScript(input({ time }));
});

test('run as an array task would be, the script starts the CLI with exactly the given arguments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftlab slurm script '));
  try {
    const experimentDir = join(dir, `it's $(echo INJECTED) \`id\``);
    mkdirSync(experimentDir);
    const experimentPath = join(experimentDir, 'exp.ftlab.yaml');
    writeFileSync(experimentPath, '');
    const runId = '20260101-000000-hostile';
    const resultsDir = join(dir, `results "shared" $PWD`);
    const plan = planSlurmRun({ experimentPath, shards: 3, resultsDir, runId, cliPath: STAND_IN, nodeCommand: process.execPath, cpusPerTask: 2, logDir: join(dir, 'logs') });
    const r = spawnSync('bash', ['-c', plan.script], {
      encoding: 'utf8',
      env: { ...process.env, SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_JOB_ID: '77', SLURM_CPUS_PER_TASK: '2' },
    });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('{'))!);
    assert.deepEqual(report.args, ['run', experimentPath, '--shard', '2/3', '--results-dir', resultsDir, '--run-id', runId]);
    assert.equal(report.threads, '2');

    // Outside an array task the script stops at once instead of running shard "/3".
    const outside = spawnSync('bash', ['-c', plan.script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    assert.notEqual(outside.status, 0);
    assert.match(outside.stderr, /SLURM_ARRAY_TASK_ID: unbound variable/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the allowed folders reach the shard as one --allowed-roots argument, intact', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftlab-roots-'));
  try {
    const experimentPath = join(dir, 'exp.ftlab.yaml');
    writeFileSync(experimentPath, '');
    const roots = [join(dir, `it's "shared" $HOME`), '/datasets'];
    const plan = planSlurmRun({ experimentPath, shards: 2, runId: '20260101-000000-roots', cliPath: STAND_IN, nodeCommand: process.execPath, cwd: dir, allowedRoots: roots });
    const r = spawnSync('bash', ['-c', plan.script], { encoding: 'utf8', env: { ...process.env, SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_JOB_ID: '7' } });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('{'))!);
    assert.deepEqual(report.args.slice(-2), ['--allowed-roots', roots.join(':')]);
    // Without allowed folders the option is left out (the shard keeps its defaults).
    assert.doesNotMatch(planSlurmRun({ experimentPath, shards: 2, cliPath: STAND_IN, cwd: dir }).script, /--allowed-roots/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('planning resolves paths, picks a run id, and defaults the log folder to where sbatch runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftlab-plan-'));
  try {
    writeFileSync(join(dir, 'my study.ftlab.yaml'), '');
    const plan = planSlurmRun({ experimentPath: 'my study.ftlab.yaml', shards: 2, cliPath: STAND_IN, cwd: dir });
    assert.match(plan.runId, /^\d{8}-\d{6}-my-study$/);
    assert.equal(plan.runDir, join(dir, '.ftlab', 'runs', plan.runId));
    assert.equal(plan.input.logDir, dir);
    assert.equal(plan.input.experimentPath, join(dir, 'my study.ftlab.yaml'));
    assert.deepEqual(plan.input.shardIndices, [0, 1]);
    assert.throws(() => planSlurmRun({ experimentPath: 'missing.yaml', cliPath: STAND_IN, cwd: dir }), /experiment file not found/);
    assert.throws(() => planSlurmRun({ experimentPath: 'my study.ftlab.yaml', cliPath: 'dist/none.js', cwd: dir }), /CLI not found/);
    assert.throws(() => planSlurmRun({ experimentPath: 'my study.ftlab.yaml', cliPath: STAND_IN, cwd: dir, runId: '../escape' }), /not a run id/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
