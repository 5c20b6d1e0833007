// The language server's tokenizer cache: one build per model folder however often and however
// concurrently it is asked, never a build on `peek`, and a rebuild when the folder's tokenizer
// files change (a model downloaded again).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { TokenizerCache } from '../../server/lsp/tokenizerCache';
import { makeOptFolder, tempDir } from './lib/fixtures';

test('a folder is built once, even when asked concurrently; peek never builds', async () => {
  const folder = makeOptFolder(join(tempDir(), 'opt'));
  const cache = new TokenizerCache();
  assert.equal(cache.peek(folder).status, 'unloaded');
  assert.equal(cache.loads, 0);
  const [a, b] = await Promise.all([cache.load(folder), cache.load(folder)]);
  assert.equal(cache.loads, 1);
  assert.equal(a.status, 'ready');
  assert.equal(a, b);
  await cache.load(folder);
  const state = cache.peek(folder);
  assert.equal(cache.loads, 1);
  assert.ok(state.status === 'ready');
  assert.deepEqual(state.tokenizer.splitIntoTokens(' Yes').tokens.map((t) => t.id), [3216]);
});

test('a folder without a tokenizer fails once, with the reason; changed files are loaded again', async () => {
  const folder = makeOptFolder(join(tempDir(), 'opt'));
  const cache = new TokenizerCache();
  const empty = tempDir();
  const failed = await cache.load(empty);
  assert.equal(failed.status, 'failed');
  assert.match(failed.status === 'failed' ? failed.error : '', /no tokenizer found/);
  await cache.load(empty);
  assert.equal(cache.loads, 1);

  await cache.load(folder);
  const later = new Date(Date.now() + 60_000);
  utimesSync(join(folder, 'vocab.json'), later, later);
  assert.equal(cache.peek(folder).status, 'unloaded');
  assert.equal((await cache.load(folder)).status, 'ready');
  assert.equal(cache.loads, 3);
});
