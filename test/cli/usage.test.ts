// Usage and validation errors exit 2 with a message (and, for experiment files, compiler-style
// `file:line:col: severity: message` lines); --help exits 0 for every command.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { makeWorkspace } from '../unit/runner/lib/fixtures';
import { runCliInProcess } from './lib/cliProcess';

test('usage mistakes exit 2 with a message naming the problem', async () => {
  const ws = makeWorkspace();
  const cases: [string[], RegExp][] = [
    [[], /Usage: ftlab <command>/],
    [['train', 'x'], /unknown command "train"/],
    [['run'], /give exactly one experiment file/],
    [['run', ws.experimentPath, '--shard', '3/2'], /--shard 3\/2: index must be in 0\.\.1/],
    [['run', ws.experimentPath, '--shard', 'half'], /--shard must look like i\/N/],
    [['run', ws.experimentPath, '--provider', 'tpu'], /--provider must be one of auto, cpu, webgpu, cuda/],
    [['run', ws.experimentPath, '--threads', '-1'], /--threads must be a positive integer/],
    [['run', ws.experimentPath, '--bogus'], /unknown option --bogus/],
    [['report', '--metric', 'f2'], /--metric must be one of accuracy, mcc, macroF1/],
    [['submit', 'pbs', ws.experimentPath], /ftlab submit takes slurm or k8s, not "pbs"/],
    [['check-model'], /give one model folder or Hub id/],
  ];
  for (const [args, message] of cases) {
    const { code, stdout, stderr } = await runCliInProcess(args, { cwd: ws.dir, env: { FTLAB_RESULTS_DIR: ws.resultsDir } });
    assert.equal(code, 2, `ftlab ${args.join(' ')}: ${stderr}`);
    assert.match(stdout + stderr, message, `ftlab ${args.join(' ')}`);
  }
});

test('an invalid experiment exits 2 with file:line:col diagnostics and starts nothing', async () => {
  const ws = makeWorkspace();
  writeFileSync(ws.experimentPath, 'name: bad\nmodels: [./model]\ntasks: [cola]\nmethods: [vanila]\nn: [2]\nseeds: 1\ntraning:\n  lr: 1\n');
  const { code, stderr } = await runCliInProcess(['run', 'exp.ftlab.yaml'], { cwd: ws.dir, env: { FTLAB_RESULTS_DIR: ws.resultsDir } });
  assert.equal(code, 2);
  assert.deepEqual(stderr.trim().split('\n'), [
    'exp.ftlab.yaml:4:11: error: Unknown method `vanila` in `methods[0]`; did you mean `vanilla`? [unknown-method]',
    'exp.ftlab.yaml:7:1: error: Unknown key `traning`; did you mean `training`? [unknown-key]',
  ]);
});

test('--help works for every command', async () => {
  const ws = makeWorkspace();
  for (const args of [['--help'], ['run', '--help'], ['report', '--help'], ['status', '--help'], ['submit', '--help'], ['check-model', '--help']]) {
    const { code, stdout } = await runCliInProcess(args, { cwd: ws.dir });
    assert.equal(code, 0, args.join(' '));
    assert.match(stdout, /Usage:/, args.join(' '));
  }
});

test('submit slurm --dry-run prints the array script of a validated experiment', async () => {
  const ws = makeWorkspace();
  const { code, stdout, stderr } = await runCliInProcess(['submit', 'slurm', 'exp.ftlab.yaml', '--shards', '3', '--dry-run'], { cwd: ws.dir, env: {} });
  assert.equal(code, 0, stderr);
  assert.match(stdout, /#SBATCH --array=0-2/);
  assert.match(stdout, /run .*exp\.ftlab\.yaml.* --shard "\$\{SLURM_ARRAY_TASK_ID\}\/3"/);
});
