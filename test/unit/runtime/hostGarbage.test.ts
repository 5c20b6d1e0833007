import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COLLECT_AT_BYTES, DroppedBuffers } from '../../../server/core/runtime/hostGarbage';

const nextTick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('dropped buffers are collected once they reach the threshold, not before', async () => {
  // A WeakRef keeps its target alive until the job that created it ends: create, then yield.
  const small = new WeakRef(new Float32Array(1024));
  const large = new WeakRef(new Float32Array(COLLECT_AT_BYTES / 4));
  await nextTick();
  const dropped = new DroppedBuffers();
  dropped.add(COLLECT_AT_BYTES - 1);
  assert.equal(dropped.collectIfLarge(), false, 'below the threshold nothing is forced');
  dropped.add(1);
  assert.equal(dropped.collectIfLarge(), true, 'a collection ran');
  assert.equal(large.deref(), undefined, 'the dropped buffer is gone');
  assert.equal(small.deref(), undefined);
  assert.equal(dropped.collectIfLarge(), false, 'the count starts over after a collection');
});
