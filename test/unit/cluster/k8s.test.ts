// The Kubernetes Indexed Job of `ftlab submit k8s`, validated against the Kubernetes JSON schema
// (vendored subset, test/fixtures/k8s/README.md) in strict mode, plus the behaviour the schema
// cannot see: pod i runs shard i of N, results land on the claim, user strings are not expanded.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { escapeKubernetesVars, planK8sJob, writeK8sJob, type K8sJobOptions } from '../../../server/cluster/k8s';
import { readClusterRecord } from '../../../server/cluster/clusterRecord';
import { SchemaValidator, type SchemaError } from './jsonSchema';

const definitions = JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'fixtures', 'k8s', 'job-configmap.schema.json'), 'utf8')).definitions;
const strict = new SchemaValidator(definitions, { strict: true });
// Fields the manifest may use that the vendored (Kubernetes 1.27) schema predates; see the README.
const NEWER_THAN_SCHEMA = ['/spec/backoffLimitPerIndex'];

function withExperiment(body: (dir: string, options: K8sJobOptions) => void | Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftlab-k8s-'));
    try {
      writeFileSync(join(dir, 'demo.ftlab.yaml'), 'name: demo\nmethods: [pbft]\n');
      await body(dir, { experimentPath: join(dir, 'demo.ftlab.yaml'), shards: 3, image: 'registry.example/ftlab:0.1.0', runId: '20260101-000000-demo' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

function jobErrors(job: unknown): SchemaError[] {
  return strict.validate(job, 'io.k8s.api.batch.v1.Job').filter((e) => !(e.unknownField && NEWER_THAN_SCHEMA.includes(e.path)));
}

test('the manifest is a valid ConfigMap and Indexed Job, and reads back from its YAML unchanged', withExperiment((_dir, options) => {
  const plan = planK8sJob({ ...options, gpus: 1, namespace: 'ml' });
  const docs = parseAllDocuments(plan.yaml).map((d) => d.toJS());
  assert.deepEqual(docs, plan.documents);
  const [configMap, job] = docs;
  assert.deepEqual(strict.validate(configMap, 'io.k8s.api.core.v1.ConfigMap'), []);
  assert.deepEqual(jobErrors(job), []);
  // The allowance is used by exactly the newer field, nothing else slips through with it.
  assert.deepEqual(strict.validate(job, 'io.k8s.api.batch.v1.Job').map((e) => e.path), NEWER_THAN_SCHEMA);
}));

test('pod i runs shard i of N into the results claim; the experiment travels in the ConfigMap', withExperiment((_dir, options) => {
  const plan = planK8sJob({ ...options, pvc: 'team-results', parallelism: 2, cpu: 4 });
  const [configMap, job] = plan.documents as [any, any];
  assert.equal(job.spec.completionMode, 'Indexed');
  assert.equal(job.spec.completions, 3);
  assert.equal(job.spec.parallelism, 2);
  assert.equal(job.spec.backoffLimitPerIndex, 1);
  const pod = job.spec.template.spec;
  assert.equal(pod.restartPolicy, 'Never');
  const [container] = pod.containers;
  assert.deepEqual(container.command, ['ftlab']);
  assert.deepEqual(container.args, [
    'run', '/etc/ftlab/experiment/experiment.ftlab.yaml', '--shard', '$(JOB_COMPLETION_INDEX)/3', '--results-dir', '/results', '--run-id', '20260101-000000-demo',
  ]);
  assert.deepEqual(container.resources, { requests: { cpu: '4', memory: '8Gi' }, limits: { cpu: '4', memory: '8Gi' } });
  assert.equal(container.env.find((e: any) => e.name === 'FTLAB_THREADS').valueFrom.resourceFieldRef.resource, 'limits.cpu');
  const results = pod.volumes.find((v: any) => v.name === 'results');
  assert.deepEqual(results.persistentVolumeClaim, { claimName: 'team-results' });
  assert.ok(container.volumeMounts.some((m: any) => m.name === 'results' && m.mountPath === '/results'));
  const experiment = pod.volumes.find((v: any) => v.name === 'experiment');
  assert.equal(experiment.configMap.name, configMap.metadata.name);
  assert.equal(configMap.data['experiment.ftlab.yaml'], 'name: demo\nmethods: [pbft]\n');
  assert.deepEqual(jobErrors(job), []);
}));

test('user strings are not expanded by Kubernetes; names are valid; bad options are refused', withExperiment((_dir, options) => {
  assert.equal(escapeKubernetesVars('a $(HOME) $$ b'), 'a $$(HOME) $$$$ b');
  const plan = planK8sJob({ ...options, command: ['node', '/opt/ftlab $(VERSION)/dist/cli.js'] });
  const job = plan.documents[1] as any;
  assert.deepEqual(job.spec.template.spec.containers[0].command, ['node', '/opt/ftlab $$(VERSION)/dist/cli.js']);
  assert.equal(job.metadata.name, 'ftlab-20260101-000000-demo');
  assert.equal(job.metadata.annotations['ftlab/run-id'], '20260101-000000-demo');
  assert.deepEqual(jobErrors(job), []);
  assert.match(planK8sJob({ ...options, runId: undefined }).runId, /^\d{8}-\d{6}-demo$/, 'a fresh run id is named after the file');
  assert.throws(() => planK8sJob({ ...options, runId: "it's $(bad)" }), /not a run id/);
  assert.throws(() => planK8sJob({ ...options, image: 'has space' }), /--image/);
  assert.throws(() => planK8sJob({ ...options, pvc: 'Bad_Name' }), /--pvc/);
  assert.throws(() => planK8sJob({ ...options, shards: 0 }), /--shards/);
}));

test('the schema check catches the mistakes it is there for', withExperiment((_dir, options) => {
  const mutations: [string, (job: any) => void, RegExp][] = [
    ['completions as text', (j) => (j.spec.completions = '3'), /\/spec\/completions: expected integer/],
    ['unknown completion mode', (j) => (j.spec.completionMode = 'Sharded'), /not one of \["Indexed","NonIndexed"\]/],
    ['restart policy', (j) => (j.spec.template.spec.restartPolicy = 'Sometimes'), /restartPolicy/],
    ['container without a name', (j) => delete j.spec.template.spec.containers[0].name, /missing required field "name"/],
    ['typo in a field name', (j) => (j.spec.parallelizm = 2), /\/spec\/parallelizm: unknown field/],
    ['parallelism beyond int32', (j) => (j.spec.parallelism = 2 ** 31), /outside int32/],
    ['a quantity that is not one', (j) => (j.spec.template.spec.containers[0].resources.limits.memory = '8 gigs'), /memory/],
    ['claim without its name', (j) => delete j.spec.template.spec.volumes[0].persistentVolumeClaim.claimName, /claimName/],
    ['no pod template', (j) => delete j.spec.template, /missing required field "template"/],
  ];
  for (const [what, mutate, expected] of mutations) {
    const job = structuredClone(planK8sJob(options).documents[1]);
    mutate(job);
    const errors = jobErrors(job);
    assert.ok(errors.some((e) => expected.test(`${e.path}: ${e.message}`)), `${what}: ${JSON.stringify(errors)}`);
  }
}));

test('writing the manifest records it in the run folder', withExperiment(async (dir, options) => {
  const plan = planK8sJob(options);
  const { manifestPath, record } = await writeK8sJob(plan, '.ftlab/runs', dir);
  assert.equal(manifestPath, join(dir, '.ftlab', 'runs', '20260101-000000-demo', 'k8s-job.yaml'));
  assert.equal(readFileSync(manifestPath, 'utf8'), plan.yaml);
  assert.deepEqual((await readClusterRecord(join(dir, '.ftlab', 'runs', '20260101-000000-demo')))?.submissions, [record]);
  assert.equal(record.jobName, 'ftlab-20260101-000000-demo');
}));
