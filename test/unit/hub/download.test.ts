import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadModel, HubError, type DownloadProgress } from '../../../server/core/hub/download';
import { listCachedModels } from '../../../server/core/hub/localCache';
import { resolveModelSource } from '../../../server/core/hub/modelSource';
import { loadCheckpoint } from '../../../server/core/model/weights/checkpoint';
import { loadTokenizer } from '../../../server/core/tokenizer/tokenizer';
import { FakeHub } from './fakeHub';

const fixtures = join(__dirname, '../../fixtures');
const file = (...p: string[]) => new Uint8Array(readFileSync(join(fixtures, ...p)));
const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);

// OPT's repo shape: config, vocab + merges (no tokenizer.json), weights in several formats of which
// only one is needed, and files that must never be fetched.
function tinyOptRepo() {
  return {
    sha: SHA_A,
    files: new Map([
      ['config.json', file('reference/tiny-opt-prenorm/config.json')],
      ['model.safetensors', file('reference/tiny-opt-prenorm/model.safetensors')],
      ['pytorch_model.bin', file('checkpoints/opt-bin-fp32/pytorch_model.bin')],
      ['tf_model.h5', new Uint8Array(20_000)],
      ['flax_model.msgpack', new Uint8Array(20_000)],
      ['README.md', new TextEncoder().encode('# tiny')],
      ['vocab.json', file('reference/tokenizer/vocab.json')],
      ['merges.txt', file('reference/tokenizer/merges.txt')],
      ['tokenizer_config.json', file('reference/tokenizer/tokenizer_config.json')],
    ]),
  };
}

function shardedBinRepo() {
  return {
    sha: SHA_B,
    files: new Map([
      ['config.json', file('reference/tiny-opt-prenorm/config.json')],
      ['tokenizer.json', file('reference/tokenizer/tokenizer.json')],
      ['pytorch_model.bin.index.json', file('checkpoints/opt-bin-sharded/pytorch_model.bin.index.json')],
      ['pytorch_model-00001-of-00002.bin', file('checkpoints/opt-bin-sharded/pytorch_model-00001-of-00002.bin')],
      ['pytorch_model-00002-of-00002.bin', file('checkpoints/opt-bin-sharded/pytorch_model-00002-of-00002.bin')],
    ]),
  };
}

function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'ftlab-hf-home-'));
}

test('downloads only the needed files into the standard cache layout, then reuses them', async () => {
  const hub = new FakeHub();
  hub.repos.set('tiny/opt', tinyOptRepo());
  await hub.start();
  const home = tempHome();
  try {
    const env = { HF_HOME: home, HF_ENDPOINT: hub.url };
    const progress: DownloadProgress[] = [];
    const model = await downloadModel('tiny/opt', { env, onProgress: (p) => progress.push(p) });

    const repoDir = join(home, 'hub', 'models--tiny--opt');
    assert.equal(model.dir, join(repoDir, 'snapshots', SHA_A));
    assert.equal(model.commit, SHA_A);
    assert.equal(model.fromCache, false);
    assert.deepEqual(model.files, ['config.json', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'model.safetensors']);
    assert.equal(readFileSync(join(repoDir, 'refs', 'main'), 'utf8'), SHA_A);
    // Snapshot entries are relative symlinks into blobs/, named by etag (sha256 for LFS files).
    for (const f of model.files) {
      assert.ok(lstatSync(join(model.dir, f)).isSymbolicLink(), f);
      assert.match(readlinkSync(join(model.dir, f)), /^\.\.\/\.\.\/blobs\/[0-9a-f]{40,64}$/);
    }
    assert.equal(readdirSync(join(repoDir, 'blobs')).length, 5);
    const fetched = hub.requests.filter((r) => r.path.includes('/resolve/')).map((r) => r.path.split('/').pop());
    for (const skipped of ['pytorch_model.bin', 'tf_model.h5', 'flax_model.msgpack', 'README.md']) assert.ok(!fetched.includes(skipped), skipped);

    // Progress: every file reported, ending at its full size.
    for (const f of model.files) {
      const last = progress.filter((p) => p.file === f).pop()!;
      assert.equal(last.done, tinyOptRepo().files.get(f)!.byteLength, f);
      assert.equal(last.total, last.done);
      assert.equal(last.cached, false);
    }

    // What arrived is a working model folder.
    assert.equal(loadCheckpoint(model.dir).tensors.size, 36);
    assert.deepEqual(loadTokenizer(model.dir).encode(' Yes'), [2, 391, 296]);

    // Asked again: one revision lookup, no file requests, everything reported as cached.
    hub.requests.length = 0;
    const again: DownloadProgress[] = [];
    const second = await downloadModel('tiny/opt', { env, onProgress: (p) => again.push(p) });
    assert.equal(second.dir, model.dir);
    assert.deepEqual(hub.requests.map((r) => r.path), [`/api/models/tiny/opt/revision/main`]);
    assert.ok(again.length === 5 && again.every((p) => p.cached && p.done === p.total));

    // With the server gone: offline mode resolves refs/main → snapshot; without it the cache is the fallback.
    await hub.stop();
    const offline = await downloadModel('tiny/opt', { env: { ...env, HF_HUB_OFFLINE: '1' } });
    assert.equal(offline.dir, model.dir);
    assert.equal(offline.fromCache, true);
    const unreachable = await downloadModel('tiny/opt', { env });
    assert.equal(unreachable.dir, model.dir);
    assert.match(unreachable.warning!, /cannot reach http:\/\/127\.0\.0\.1:\d+ .*using the cached snapshot a{40}/);

    // The editor's completion list.
    assert.deepEqual(listCachedModels(join(home, 'hub')), [{ id: 'tiny/opt', snapshots: [SHA_A], refs: { main: SHA_A } }]);
  } finally {
    await hub.stop();
    rmSync(home, { recursive: true, force: true });
  }
});

test('a sharded pytorch_model.bin repo: index first, then its shards; tokenizer.json when the repo has one', async () => {
  const hub = new FakeHub();
  hub.repos.set('tiny/opt-bin', shardedBinRepo());
  await hub.start();
  const home = tempHome();
  try {
    const model = await downloadModel('tiny/opt-bin', { env: { HF_HUB_CACHE: join(home, 'elsewhere'), HF_ENDPOINT: hub.url } });
    assert.equal(model.dir, join(home, 'elsewhere', 'models--tiny--opt-bin', 'snapshots', SHA_B));
    assert.deepEqual(model.files, ['config.json', 'tokenizer.json', 'pytorch_model.bin.index.json',
      'pytorch_model-00001-of-00002.bin', 'pytorch_model-00002-of-00002.bin']);
    assert.equal(loadCheckpoint(model.dir).files.length, 3);
    assert.equal(loadTokenizer(model.dir).source, 'tokenizer.json');
  } finally {
    await hub.stop();
    rmSync(home, { recursive: true, force: true });
  }
});

test('clear errors: unknown repo, unknown revision, repo without config or weights, missing shard, offline and not cached', async () => {
  const hub = new FakeHub();
  hub.repos.set('tiny/opt', tinyOptRepo());
  const noConfig = tinyOptRepo();
  noConfig.files.delete('config.json');
  hub.repos.set('tiny/no-config', noConfig);
  const noWeights = tinyOptRepo();
  noWeights.files.delete('model.safetensors');
  noWeights.files.delete('pytorch_model.bin');
  hub.repos.set('tiny/no-weights', noWeights);
  const lostShard = shardedBinRepo();
  lostShard.files.delete('pytorch_model-00002-of-00002.bin');
  hub.repos.set('tiny/lost-shard', lostShard);
  await hub.start();
  const home = tempHome();
  const env = { HF_HOME: home, HF_ENDPOINT: hub.url };
  const fails = (p: Promise<unknown>, pattern: RegExp) =>
    assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof HubError, String(e));
      assert.match(e.message, pattern);
      return true;
    });
  try {
    await fails(downloadModel('nobody/nothing', { env }), /nobody\/nothing: model \(revision main\) not found on http:\/\/127\.0\.0\.1:\d+ \(Repository not found\)/);
    await fails(downloadModel('tiny/opt', { env, revision: 'v9' }), /tiny\/opt: model \(revision v9\) not found/);
    await fails(downloadModel('tiny/no-config', { env }), /tiny\/no-config: the repo has no config\.json/);
    await fails(downloadModel('tiny/no-weights', { env }), /tiny\/no-weights: the repo has no weights this loader reads \(model\.safetensors/);
    await fails(downloadModel('tiny/lost-shard', { env }), /names shards the repo does not have: pytorch_model-00002-of-00002\.bin/);
    await fails(downloadModel('not a model id!', { env }), /is not a Hugging Face model id/);
    await fails(downloadModel('tiny/opt', { env: { ...env, HF_HUB_OFFLINE: 'true' } }),
      /offline mode \(HF_HUB_OFFLINE\) is on, and tiny\/opt \(main\) is not in the Hugging Face cache at .*\/hub/);
    await fails(resolveModelSource('./no/such/folder', { env }), /"\.\/no\/such\/folder" is not a Hugging Face model id .*nor an existing folder/);
  } finally {
    await hub.stop();
    rmSync(home, { recursive: true, force: true });
  }
});

test('an incomplete cached snapshot is reported offline with what it lacks', async () => {
  const hub = new FakeHub();
  hub.repos.set('tiny/opt', tinyOptRepo());
  await hub.start();
  const home = tempHome();
  const env = { HF_HOME: home, HF_ENDPOINT: hub.url };
  try {
    const model = await downloadModel('tiny/opt', { env });
    rmSync(join(model.dir, 'model.safetensors'));
    await assert.rejects(downloadModel('tiny/opt', { env: { ...env, HF_HUB_OFFLINE: '1' } }),
      /the cached snapshot of tiny\/opt at .* lacks weights/);
  } finally {
    await hub.stop();
    rmSync(home, { recursive: true, force: true });
  }
});

test('HF_TOKEN is sent as a bearer token; without it a private repo says how to get in', async () => {
  const hub = new FakeHub({ requireToken: 'hf_secret' });
  hub.repos.set('tiny/private', tinyOptRepo());
  await hub.start();
  const home = tempHome();
  try {
    await assert.rejects(downloadModel('tiny/private', { env: { HF_HOME: home, HF_ENDPOINT: hub.url } }),
      /tiny\/private: access denied by .* \(401\); for a private or gated model set HF_TOKEN/);
    const model = await downloadModel('tiny/private', { env: { HF_HOME: home, HF_ENDPOINT: hub.url, HF_TOKEN: 'hf_secret' } });
    assert.ok(existsSync(join(model.dir, 'model.safetensors')));
    assert.ok(hub.requests.filter((r) => r.authorization).length > 0);
  } finally {
    await hub.stop();
    rmSync(home, { recursive: true, force: true });
  }
});

test('cancelling stops the transfer and leaves no partial file or snapshot entry', async () => {
  const hub = new FakeHub({ throttle: 100_000 }); // the 420 KB weights take ~4 s
  hub.repos.set('tiny/opt', tinyOptRepo());
  await hub.start();
  const home = tempHome();
  try {
    const controller = new AbortController();
    let partialSeen = 0;
    const started = Date.now();
    const download = downloadModel('tiny/opt', {
      env: { HF_HOME: home, HF_ENDPOINT: hub.url },
      signal: controller.signal,
      onProgress: (p) => {
        if (p.file !== 'model.safetensors') return;
        if (p.done > 0 && p.done < p.total) partialSeen = p.done;
        if (p.done === 0) setTimeout(() => controller.abort(), 700);
      },
    });
    await assert.rejects(download, (e: unknown) => (e as Error).name === 'AbortError' && /download of tiny\/opt cancelled/.test((e as Error).message));
    assert.ok(Date.now() - started < 3500, 'cancelled before the transfer could finish');
    assert.ok(partialSeen > 0, 'progress was reported while the file was arriving');
    const repoDir = join(home, 'hub', 'models--tiny--opt');
    assert.ok(!existsSync(join(repoDir, 'snapshots', SHA_A, 'model.safetensors')));
    assert.deepEqual(readdirSync(join(repoDir, 'blobs')).filter((b) => b.endsWith('.incomplete')), []);
  } finally {
    await hub.stop();
    rmSync(home, { recursive: true, force: true });
  }
});

test('a local folder is used as it is', async () => {
  const dir = join(fixtures, 'reference/tiny-opt-prenorm');
  assert.deepEqual(await resolveModelSource(dir), { kind: 'folder', dir });
});
