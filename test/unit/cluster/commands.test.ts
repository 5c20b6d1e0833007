// The CLI's cluster commands without a cluster: flags to plans, --dry-run output, the experiment
// validated before anything is submitted, and `ftlab status` on a run folder.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { statusCommand, submitK8sCommand, submitSlurmCommand } from '../../../server/cluster/commands';

const STAND_IN = resolve(__dirname, '..', '..', 'slurm', 'fixtures', 'standInCli.mjs');
// A valid experiment that needs no local model (the Hub model's shape is known offline).
const EXPERIMENT = 'name: tiny\nmodels: [facebook/opt-125m]\ntasks: [cola]\nmethods: [pbft]\nn: [2]\nseeds: 2\n';

function inDir(body: (dir: string, out: string[]) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftlab-commands-'));
    writeFileSync(join(dir, 'tiny.ftlab.yaml'), EXPERIMENT);
    writeFileSync(join(dir, 'broken.ftlab.yaml'), 'name: broken\nmethods: [pbft, nonsense]\n');
    try {
      await body(dir, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('submit slurm --dry-run prints the script from the flags and writes nothing', inDir(async (dir, out) => {
  await submitSlurmCommand(
    ['tiny.ftlab.yaml', '--shards', '4', '--partition', 'gpu', '--gpus-per-task', 'a100:1', '--time', '1-00:00', '--cpus-per-task', '8', '--log-dir', 'logs', '--dry-run'],
    { cliPath: STAND_IN, cwd: dir, print: (t) => out.push(t) },
  );
  const script = out.join('');
  for (const line of ['--array=0-3', '--partition=gpu', '--gpus-per-task=a100:1', '--time=1-00:00', '--cpus-per-task=8', `--output="${join(dir, 'logs')}/slurm-%A_%a.out"`]) {
    assert.ok(script.includes(`#SBATCH ${line}\n`), line);
  }
  assert.match(script, /--run-id \d{8}-\d{6}-tiny$/m, 'the run id is named after the experiment');
  assert.equal(existsSync(join(dir, '.ftlab')), false);
}));

test('an experiment with errors is not submitted; flags are checked', inDir(async (dir, out) => {
  const ctx = { cliPath: STAND_IN, cwd: dir, print: (t: string) => out.push(t) };
  await assert.rejects(submitSlurmCommand(['broken.ftlab.yaml', '--dry-run'], ctx), /the experiment has errors; nothing was submitted:\n.*broken\.ftlab\.yaml:2:/);
  await assert.rejects(submitSlurmCommand(['tiny.ftlab.yaml', '--shard-indices', '1'], ctx), /give its --run-id/);
  await assert.rejects(submitSlurmCommand(['tiny.ftlab.yaml', '--shards', 'two'], ctx), /--shards must be a positive integer/);
  await assert.rejects(submitSlurmCommand(['tiny.ftlab.yaml', '--nodes', '2'], ctx), /unknown option --nodes/);
  await assert.rejects(submitK8sCommand(['tiny.ftlab.yaml', '--shards', '2'], ctx), /needs --shards N and --image I/);
  assert.deepEqual(out, []);
}));

test('submit k8s prints the manifest on --dry-run and writes it into the run folder otherwise', inDir(async (dir, out) => {
  const ctx = { cliPath: STAND_IN, cwd: dir, print: (t: string) => out.push(t) };
  await submitK8sCommand(['tiny.ftlab.yaml', '--shards', '2', '--image', 'ftlab:1', '--pvc', 'shared', '--dry-run'], ctx);
  const [configMap, job] = parseAllDocuments(out.join('')).map((d) => d.toJS());
  assert.equal(configMap.kind, 'ConfigMap');
  assert.equal(job.spec.completions, 2);
  assert.equal(job.spec.template.spec.volumes[0].persistentVolumeClaim.claimName, 'shared');

  out.length = 0;
  await submitK8sCommand(['tiny.ftlab.yaml', '--shards', '2', '--image', 'ftlab:1', '--run-id', '20260101-000000-tiny'], ctx);
  const manifest = join(dir, '.ftlab', 'runs', '20260101-000000-tiny', 'k8s-job.yaml');
  assert.match(out.join(''), new RegExp(`kubectl apply -f ${manifest}`));
  assert.equal(parseAllDocuments(readFileSync(manifest, 'utf8'))[1].toJS().kind, 'Job');

  out.length = 0;
  await statusCommand(['20260101-000000-tiny'], { cwd: dir, print: (t) => out.push(t) });
  assert.match(out.join(''), /^run 20260101-000000-tiny .*\ntrials: no shard has started yet/);
}));
