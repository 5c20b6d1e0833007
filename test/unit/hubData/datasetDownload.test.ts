import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadDatasetFiles } from '../../../server/core/hub/datasetDownload';
import { HubError, type DownloadProgress } from '../../../server/core/hub/download';
import { FakeHub } from '../hub/fakeHub';
import { GLUE_SHA, glueRepo } from './glueRepo';

const COLA_TRAIN = 'cola/train-00000-of-00001.parquet';
const MNLI_TRAIN = 'mnli/train-00000-of-00001.parquet';
const MNLI_DEV = 'mnli/validation_matched-00000-of-00001.parquet';

function tempCache(): string {
  return mkdtempSync(join(tmpdir(), 'ftlab-hf-datasets-'));
}

async function fakeGlueHub(options: ConstructorParameters<typeof FakeHub>[0] = {}): Promise<FakeHub> {
  const hub = new FakeHub(options);
  hub.repos.set('datasets/nyu-mll/glue', glueRepo());
  await hub.start();
  return hub;
}

const fails = (p: Promise<unknown>, pattern: RegExp) =>
  assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof HubError, String(e));
    assert.match(e.message, pattern);
    return true;
  });

test('dataset files land in the cache under datasets--org--name at the resolved commit, and are reused', async () => {
  const hub = await fakeGlueHub();
  const cacheDir = tempCache();
  try {
    const progress: DownloadProgress[] = [];
    const files = [COLA_TRAIN, MNLI_TRAIN, MNLI_DEV];
    const got = await downloadDatasetFiles('nyu-mll/glue', files, { cacheDir, endpoint: hub.url, offline: false, onProgress: (p) => progress.push(p) });

    const repoDir = join(cacheDir, 'datasets--nyu-mll--glue');
    assert.equal(got.commit, GLUE_SHA);
    assert.equal(got.dir, join(repoDir, 'snapshots', GLUE_SHA));
    assert.equal(got.fromCache, false);
    assert.equal(readFileSync(join(repoDir, 'refs', 'main'), 'utf8'), GLUE_SHA);
    assert.ok(!readdirSync(cacheDir).some((f) => f.startsWith('models--')), 'nothing under the model layout');
    const served = glueRepo().files;
    for (const f of files) {
      assert.equal(got.paths[f], join(got.dir, f));
      // Snapshot entries in subfolders link three levels up into blobs/, as huggingface_hub lays them out.
      assert.ok(lstatSync(got.paths[f]).isSymbolicLink(), f);
      assert.match(readlinkSync(got.paths[f]), /^\.\.\/\.\.\/\.\.\/blobs\/[0-9a-f]{40,64}$/);
      assert.deepEqual(new Uint8Array(readFileSync(got.paths[f])), served.get(f));
      const last = progress.filter((p) => p.file === f).pop()!;
      assert.equal(last.done, served.get(f)!.byteLength);
      assert.equal(last.cached, false);
    }
    // The MNLI train file is served as an LFS file (sha256 blob name), the small CoLA one as a git blob (sha1).
    assert.match(readlinkSync(got.paths[MNLI_TRAIN]), /\/[0-9a-f]{64}$/);
    assert.match(readlinkSync(got.paths[COLA_TRAIN]), /\/[0-9a-f]{40}$/);

    // Only what was asked for crossed the wire; the dataset API was used, never the model API.
    const paths = hub.requests.map((r) => r.path);
    assert.ok(paths.includes('/api/datasets/nyu-mll/glue/revision/main'));
    assert.ok(!paths.some((p) => p.startsWith('/api/models/')));
    const fetched = paths.filter((p) => p.includes('/resolve/'));
    assert.ok(fetched.every((p) => p.startsWith(`/datasets/nyu-mll/glue/resolve/${GLUE_SHA}/`)), fetched.join(' '));
    for (const never of ['cola/validation-00000-of-00001.parquet', 'README.md', 'mnli/validation_mismatched-00000-of-00001.parquet']) {
      assert.ok(!fetched.some((p) => p.endsWith(never)), never);
    }

    // Asked again: the revision lookup only, every file reported as cached.
    hub.requests.length = 0;
    const again: DownloadProgress[] = [];
    const second = await downloadDatasetFiles('nyu-mll/glue', files, { cacheDir, endpoint: hub.url, offline: false, onProgress: (p) => again.push(p) });
    assert.equal(second.dir, got.dir);
    assert.deepEqual(hub.requests.map((r) => r.path), ['/api/datasets/nyu-mll/glue/revision/main']);
    assert.ok(again.length === 3 && again.every((p) => p.cached && p.done === p.total));

    // Server gone: offline mode resolves refs/main from the cache; without it the cache is the fallback.
    await hub.stop();
    const offline = await downloadDatasetFiles('nyu-mll/glue', files, { cacheDir, endpoint: hub.url, offline: true });
    assert.equal(offline.fromCache, true);
    assert.deepEqual(offline.paths, got.paths);
    const fromEnv = await downloadDatasetFiles('nyu-mll/glue', [COLA_TRAIN], { env: { HF_HUB_CACHE: cacheDir, HF_ENDPOINT: hub.url, HF_HUB_OFFLINE: '1' } });
    assert.equal(fromEnv.paths[COLA_TRAIN], got.paths[COLA_TRAIN]);
    const unreachable = await downloadDatasetFiles('nyu-mll/glue', files, { cacheDir, endpoint: hub.url, offline: false });
    assert.equal(unreachable.dir, got.dir);
    assert.match(unreachable.warning!, /cannot reach http:\/\/127\.0\.0\.1:\d+ .*using the cached snapshot c{40} of dataset nyu-mll\/glue/);
    // Offline, a file never fetched is named.
    await fails(
      downloadDatasetFiles('nyu-mll/glue', [COLA_TRAIN, 'cola/validation-00000-of-00001.parquet'], { cacheDir, offline: true }),
      /offline mode \(HF_HUB_OFFLINE\) is on, and the cached snapshot of dataset nyu-mll\/glue at .* lacks cola\/validation-00000-of-00001\.parquet/,
    );
  } finally {
    await hub.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('clear errors: unknown dataset (404), unknown revision, a file the repo lacks, offline and not cached, a private repo', async () => {
  const hub = await fakeGlueHub();
  const cacheDir = tempCache();
  const opts = { cacheDir, endpoint: hub.url, offline: false };
  try {
    await fails(downloadDatasetFiles('nyu-mll/glue', [COLA_TRAIN], { cacheDir, offline: true }),
      /offline mode \(HF_HUB_OFFLINE\) is on, and dataset nyu-mll\/glue \(main\) is not in the Hugging Face cache at /);
    await fails(downloadDatasetFiles('nobody/nothing', [COLA_TRAIN], opts), /nobody\/nothing: dataset \(revision main\) not found on http:\/\/127\.0\.0\.1:\d+ \(Repository not found\)/);
    await fails(downloadDatasetFiles('nyu-mll/glue', [COLA_TRAIN], { ...opts, revision: 'v9' }), /nyu-mll\/glue: dataset \(revision v9\) not found/);
    await fails(downloadDatasetFiles('nyu-mll/glue', ['cola/train-00000-of-00002.parquet'], opts), /nyu-mll\/glue: cola\/train-00000-of-00002\.parquet not found at commit c{40} on http/);
    await fails(downloadDatasetFiles('not a dataset!', [COLA_TRAIN], opts), /is not a Hugging Face dataset id/);
    await fails(downloadDatasetFiles('nyu-mll/glue', [], opts), /no files asked for/);
  } finally {
    await hub.stop();
  }
  const locked = await fakeGlueHub({ requireToken: 'hf_secret' });
  try {
    await fails(downloadDatasetFiles('nyu-mll/glue', [COLA_TRAIN], { cacheDir, endpoint: locked.url, offline: false, env: {} }),
      /nyu-mll\/glue: access denied by .* \(401\); for a private or gated dataset set HF_TOKEN/);
    const got = await downloadDatasetFiles('nyu-mll/glue', [COLA_TRAIN], { cacheDir, endpoint: locked.url, offline: false, accessToken: 'hf_secret' });
    assert.ok(existsSync(got.paths[COLA_TRAIN]));
  } finally {
    await locked.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('cancelling stops the transfer and leaves no partial blob or snapshot entry', async () => {
  const size = glueRepo().files.get(MNLI_TRAIN)!.byteLength;
  const hub = await fakeGlueHub({ throttle: Math.ceil(size / 4) }); // the train file takes ~4 s
  const cacheDir = tempCache();
  try {
    const controller = new AbortController();
    let partialSeen = 0;
    const started = Date.now();
    const download = downloadDatasetFiles('nyu-mll/glue', [MNLI_TRAIN], {
      cacheDir,
      endpoint: hub.url,
      offline: false,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done > 0 && p.done < p.total) partialSeen = p.done;
        if (p.done === 0) setTimeout(() => controller.abort(), 700);
      },
    });
    await assert.rejects(download, (e: unknown) => (e as Error).name === 'AbortError' && /download of nyu-mll\/glue cancelled/.test((e as Error).message));
    assert.ok(Date.now() - started < 3500, 'cancelled before the transfer could finish');
    assert.ok(partialSeen > 0, 'progress was reported while the file was arriving');
    const repoDir = join(cacheDir, 'datasets--nyu-mll--glue');
    assert.ok(!existsSync(join(repoDir, 'snapshots', GLUE_SHA, MNLI_TRAIN)));
    assert.deepEqual(readdirSync(join(repoDir, 'blobs')).filter((b) => b.endsWith('.incomplete')), []);
  } finally {
    await hub.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
});
