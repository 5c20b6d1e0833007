import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExperimentSpec } from '../../../protocol/experiment';
import { readColaTsv } from '../../../server/core/data/cola';
import { DataError } from '../../../server/core/data/dataError';
import { GLUE_HUB_FILES, hubFilesOf, loadHubTask } from '../../../server/core/data/hubTasks';
import { readMnliJsonl, readMnliTrainPool } from '../../../server/core/data/mnli';
import { parseExperiment } from '../../../server/core/experiment/parse';
import { trialKey } from '../../../server/core/experiment/grid';
import { loadDataset } from '../../../server/core/train/loadData';
import { FakeHub } from '../hub/fakeHub';
import { colaParquet, colaTrainRows, COLA_TRAIN_ROWS, DATA_ROOT, GLUE_SHA, glueRepo, MNLI_DEV_ROWS, mnliDevRows, mnliTrainRows, MNLI_TRAIN_ROWS } from './glueRepo';

function specOf(dataBlock: string): ExperimentSpec {
  const text = `name: t\nmodels: [facebook/opt-125m]\ntasks: [cola, mnli, mnli-3way]\nmethods: [vanilla]\nn: [2]\nseeds: 1\n${dataBlock}`;
  const parsed = parseExperiment(text);
  assert.ok(parsed.spec, parsed.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
  return parsed.spec;
}

/** loadDataset takes the endpoint (and offline default) from the environment, as the trainer does. */
async function withHubEnv<T>(endpoint: string, body: () => Promise<T>): Promise<T> {
  const saved = { HF_ENDPOINT: process.env.HF_ENDPOINT, HF_HUB_OFFLINE: process.env.HF_HUB_OFFLINE, HF_TOKEN: process.env.HF_TOKEN };
  process.env.HF_ENDPOINT = endpoint;
  delete process.env.HF_HUB_OFFLINE;
  delete process.env.HF_TOKEN;
  try {
    return await body();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

test('data.source: hub — the trial data has the Hub train pools and MNLI matched dev, labels mapped; the other eval sets stay shipped', async () => {
  const hub = new FakeHub();
  hub.repos.set('datasets/nyu-mll/glue', glueRepo());
  await hub.start();
  const cacheDir = mkdtempSync(join(tmpdir(), 'ftlab-hubdata-'));
  const spec = specOf('data:\n  source: hub\n');
  const snapshot = join(cacheDir, 'datasets--nyu-mll--glue', 'snapshots', GLUE_SHA);
  try {
    await withHubEnv(hub.url, async () => {
      const settings = { cacheDir, offline: false };
      const progress: string[] = [];

      // CoLA: the Hub's train rows are the first rows of the raw in_domain_train (label 0/1 kept);
      // eval sets are the raw dev files, never the Hub's mixed validation split.
      const cola = await loadDataset(spec, 'cola', DATA_ROOT, settings, undefined, (t) => progress.push(t));
      assert.equal(cola.train.length, COLA_TRAIN_ROWS);
      assert.deepEqual(cola.train, readColaTsv(join(DATA_ROOT, 'cola', 'in_domain_train.tsv')).slice(0, COLA_TRAIN_ROWS));
      assert.deepEqual(cola.train.map((e) => e.label), colaTrainRows().map((r) => r.label));
      assert.equal(cola.trainSource, join(snapshot, GLUE_HUB_FILES.colaTrain));
      assert.deepEqual(cola.evals.map((s) => [s.name, s.role, s.examples.length, s.source]), [
        ['cola-in-domain-dev', 'in-domain', 527, join(DATA_ROOT, 'cola', 'in_domain_dev.tsv')],
        ['cola-ood-dev', 'ood', 516, join(DATA_ROOT, 'cola', 'out_of_domain_dev.tsv')],
      ]);
      assert.ok(progress.some((t) => /^downloading cola\/train-00000-of-00001\.parquet: /.test(t)), progress.join('\n'));
      assert.ok(!hub.requests.some((r) => r.path.endsWith('cola/validation-00000-of-00001.parquet')));

      // MNLI binarized: neutral rows dropped, entailment 0, contradiction 1 — the same examples the
      // shipped reader makes of the same rows. Matched dev from the Hub; HANS shipped.
      const mnli = await loadDataset(spec, 'mnli', DATA_ROOT, settings);
      const rows = mnliTrainRows();
      const binary = rows.filter((r) => r.label !== 1);
      assert.ok(binary.length < MNLI_TRAIN_ROWS && binary.some((r) => r.label === 2), 'the sample holds neutral and contradiction rows');
      assert.deepEqual(mnli.train.map((e) => e.label), binary.map((r) => (r.label === 0 ? 0 : 1)));
      assert.deepEqual(mnli.train.map((e) => e.fields), binary.map((r) => ({ premise: r.premise, hypothesis: r.hypothesis })));
      assert.deepEqual(mnli.train, readMnliTrainPool(join(DATA_ROOT, 'mnli', 'train_pool', 'pcp_train.json'), 'binary').slice(0, binary.length));
      assert.deepEqual(mnli.labelNames, ['entailment', 'contradiction']);
      assert.equal(mnli.trainSource, join(snapshot, GLUE_HUB_FILES.mnliTrain));
      const [dev, hans] = mnli.evals;
      assert.equal(dev.name, 'mnli-matched-dev');
      assert.equal(dev.source, join(snapshot, GLUE_HUB_FILES.mnliValidationMatched));
      const devBinary = mnliDevRows().filter((r) => r.label !== 1);
      assert.deepEqual(dev.examples, readMnliJsonl(join(DATA_ROOT, 'mnli', 'dev_matched.jsonl'), 'binary').slice(0, devBinary.length));
      assert.ok(dev.examples.length < MNLI_DEV_ROWS);
      assert.equal(hans.name, 'hans-lexical-overlap');
      assert.equal(hans.source, join(DATA_ROOT, 'hans', 'hans_sample3000.tsv'));
      assert.equal(hans.examples.length, 1000);

      // Three-way keeps every row and GLUE's label indices.
      const threeWay = await loadDataset(spec, 'mnli-3way', DATA_ROOT, settings);
      assert.deepEqual(threeWay.train.map((e) => e.label), rows.map((r) => r.label));
      assert.equal(threeWay.evals[0].examples.length, MNLI_DEV_ROWS);
      assert.deepEqual(threeWay.evals[1].predictionMap, [0, 1, 1]);

      // The shipped source is untouched by all this.
      const shipped = await loadDataset(specOf(''), 'cola', DATA_ROOT, settings);
      assert.equal(shipped.train.length, 8551);
      assert.equal(shipped.trainSource, join(DATA_ROOT, 'cola', 'in_domain_train.tsv'));

      // With the Hub gone, the offline setting reads the same files from the cache.
      await hub.stop();
      hub.requests.length = 0;
      const offline = await loadDataset(spec, 'mnli', DATA_ROOT, { cacheDir, offline: true });
      assert.deepEqual(offline.train, mnli.train);
      assert.deepEqual(offline.evals[0].examples, dev.examples);
      // Offline with an empty cache: the message says what is missing.
      const empty = mkdtempSync(join(tmpdir(), 'ftlab-hubdata-empty-'));
      try {
        await assert.rejects(loadDataset(spec, 'cola', DATA_ROOT, { cacheDir: empty, offline: true }),
          /offline mode \(HF_HUB_OFFLINE\) is on, and dataset nyu-mll\/glue \(main\) is not in the Hugging Face cache/);
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    });
  } finally {
    await hub.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('a Hub file whose ClassLabel names are in another order is refused, not trained on with swapped labels', async () => {
  const repo = glueRepo();
  repo.files.set(GLUE_HUB_FILES.colaTrain, colaParquet(colaTrainRows(), ['acceptable', 'unacceptable']));
  const hub = new FakeHub();
  hub.repos.set('datasets/nyu-mll/glue', repo);
  await hub.start();
  const cacheDir = mkdtempSync(join(tmpdir(), 'ftlab-hubdata-'));
  try {
    await assert.rejects(loadHubTask('cola', { dataRoot: DATA_ROOT, download: { cacheDir, endpoint: hub.url, offline: false } }), (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      assert.match(e.message, /train-00000-of-00001\.parquet.*declares labels acceptable, unacceptable where unacceptable, acceptable \(in this order\) was expected/);
      return true;
    });
  } finally {
    await hub.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('the data.source setting: parsed, validated, and part of the trial key of built-in tasks only', () => {
  assert.deepEqual(hubFilesOf('cola'), ['cola/train-00000-of-00001.parquet']);
  assert.deepEqual(hubFilesOf('mnli-3way'), ['mnli/train-00000-of-00001.parquet', 'mnli/validation_matched-00000-of-00001.parquet']);

  const absent = specOf('');
  const shipped = specOf('data:\n  source: shipped\n');
  const hub = specOf('data:\n  source: hub\n');
  assert.equal(absent.data.source, undefined);
  assert.equal(shipped.data.source, 'shipped');
  assert.equal(hub.data.source, 'hub');
  for (const task of ['cola', 'mnli', 'mnli-3way']) {
    const config = { model: 'facebook/opt-125m', task, method: 'vanilla' as const, n: 2, dataSeed: 0, modelSeed: 0 };
    assert.equal(trialKey(shipped, config), trialKey(absent, config), `${task}: shipped is the default`);
    assert.notEqual(trialKey(hub, config), trialKey(absent, config), `${task}: another train pool, another key`);
  }

  const wrong = parseExperiment('name: t\ntasks: [cola]\nmethods: [vanilla]\nn: [2]\nseeds: 1\ndata:\n  source: hubb\n');
  assert.equal(wrong.spec, undefined);
  const d = wrong.diagnostics.find((x) => x.code === 'unknown-value');
  assert.ok(d, wrong.diagnostics.map((x) => x.code).join(', '));
  assert.match(d.message, /hubb/);
  assert.equal(d.data?.replacement, 'hub');
});
