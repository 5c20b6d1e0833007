import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessToken, hubCacheDir, hubEndpoint, isModelId, isOffline, repoFolderName } from '../../../server/core/hub/hubSettings';
import { cachedCommit, listCachedModels, missingModelFiles } from '../../../server/core/hub/localCache';

test('cache folder, endpoint and offline mode follow huggingface_hub\'s variables and order', () => {
  assert.equal(hubCacheDir({ HF_HUB_CACHE: '/c', HF_HOME: '/h' }), '/c');
  assert.equal(hubCacheDir({ HF_HOME: '/h', XDG_CACHE_HOME: '/x' }), '/h/hub');
  assert.equal(hubCacheDir({ XDG_CACHE_HOME: '/x' }), '/x/huggingface/hub');
  assert.equal(hubCacheDir({}), join(homedir(), '.cache/huggingface/hub'));
  assert.equal(hubEndpoint({}), 'https://huggingface.co');
  assert.equal(hubEndpoint({ HF_ENDPOINT: 'http://127.0.0.1:9/' }), 'http://127.0.0.1:9');
  for (const v of ['1', 'true', 'YES', 'on']) assert.equal(isOffline({ HF_HUB_OFFLINE: v }), true, v);
  for (const v of [undefined, '0', 'false', '']) assert.equal(isOffline({ HF_HUB_OFFLINE: v }), false, String(v));
});

test('the token comes from HF_TOKEN, else from the login token file', () => {
  const home = mkdtempSync(join(tmpdir(), 'ftlab-hf-'));
  try {
    assert.equal(accessToken({ HF_HOME: home }), undefined);
    writeFileSync(join(home, 'token'), 'hf_fromfile\n');
    assert.equal(accessToken({ HF_HOME: home }), 'hf_fromfile');
    assert.equal(accessToken({ HF_HOME: home, HF_TOKEN: 'hf_fromenv' }), 'hf_fromenv');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('model ids', () => {
  for (const id of ['facebook/opt-125m', 'gpt2', 'EleutherAI/pythia-70m', 'org/name.v2']) assert.ok(isModelId(id), id);
  for (const id of ['', '../etc', 'a/b/c', 'a--b/c', 'org/-x', 'has space/x', '/abs']) assert.ok(!isModelId(id), id);
  assert.equal(repoFolderName('facebook/opt-125m'), 'models--facebook--opt-125m');
});

test('a cache laid out by Python is read: refs (also nested pr refs), snapshots, completeness', () => {
  const cache = mkdtempSync(join(tmpdir(), 'ftlab-hf-cache-'));
  const commit = '0123456789abcdef0123456789abcdef01234567';
  try {
    const repo = join(cache, 'models--facebook--opt-125m');
    const snap = join(repo, 'snapshots', commit);
    mkdirSync(snap, { recursive: true });
    mkdirSync(join(repo, 'blobs'));
    mkdirSync(join(repo, 'refs', 'pr'), { recursive: true });
    writeFileSync(join(repo, 'refs', 'main'), commit);
    writeFileSync(join(repo, 'refs', 'pr', '1'), commit);
    for (const f of ['config.json', 'vocab.json', 'merges.txt']) {
      writeFileSync(join(repo, 'blobs', f + '-blob'), '{}');
      symlinkSync(`../../blobs/${f}-blob`, join(snap, f));
    }
    symlinkSync('../../blobs/missing-blob', join(snap, 'pytorch_model.bin')); // dangling: counts as missing
    mkdirSync(join(cache, 'datasets--x--y', 'snapshots', commit), { recursive: true }); // not a model
    mkdirSync(join(cache, 'models--empty--repo')); // no snapshot yet

    assert.equal(cachedCommit(cache, 'facebook/opt-125m', 'main'), commit);
    assert.equal(cachedCommit(cache, 'facebook/opt-125m', 'v2'), undefined);
    assert.deepEqual(missingModelFiles(snap), ['weights (model.safetensors, its index, or pytorch_model.bin)']);
    assert.deepEqual(listCachedModels(cache), [{ id: 'facebook/opt-125m', snapshots: [commit], refs: { main: commit, 'pr/1': commit } }]);
    assert.deepEqual(listCachedModels(join(cache, 'absent')), []);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
