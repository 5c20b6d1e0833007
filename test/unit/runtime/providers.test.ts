// This machine has no Vulkan and no CUDA provider libraries, so GPU requests must fall back to
// the CPU with a message that says why. Where a GPU provider does start, the test checks that
// the choice is reported instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../../../server/core/graph/builder';
import { candidatesFor, createSession, resetProviderFailures } from '../../../server/core/runtime/session';
import { explainProviderFailure, isProviderChoice } from '../../../server/core/runtime/providers';
import { DeviceTransfer } from '../../../server/core/runtime/deviceTransfer';
import { cpuData, float32Tensor } from '../../../server/core/runtime/tensors';

function tinyModel(): Uint8Array {
  const g = new GraphBuilder();
  g.output(g.node1('Relu', [g.input('x', 'float32', [2])], 'float32', [2]), 'y');
  return g.toModel();
}

test('cpu is the default and reports no fallback', async () => {
  const s = await createSession(tinyModel());
  assert.equal(s.provider, 'cpu');
  assert.deepEqual(s.fallbacks, []);
  const out = await s.session.run({ x: float32Tensor([-1, 2], [2]) });
  assert.deepEqual([...(out.y.data as Float32Array)], [0, 2]);
});

test('webgpu falls back to cpu with the reason, or is used and reported', async () => {
  resetProviderFailures();
  const s = await createSession(tinyModel(), { provider: 'webgpu', outputsOnDevice: ['y'] });
  if (s.provider === 'webgpu') {
    assert.equal(s.outputsOnDevice, true);
    return;
  }
  assert.equal(s.provider, 'cpu');
  assert.equal(s.outputsOnDevice, false);
  assert.match(s.fallbacks[0], /^WebGPU could not start: (no Vulkan loader|no GPU adapter)/);
  assert.match(s.fallbacks.at(-1)!, /using cpu instead of webgpu/);
  // The failure is remembered: the second request does not probe the GPU again but still says why.
  const again = await createSession(tinyModel(), { provider: 'webgpu' });
  assert.equal(again.provider, 'cpu');
  assert.match(again.fallbacks[0], /WebGPU could not start/);
});

test('cuda without its provider libraries falls back to cpu and says what is missing', async () => {
  const s = await createSession(tinyModel(), { provider: 'cuda' });
  if (s.provider === 'cuda') return;
  assert.match(s.fallbacks[0], /^CUDA could not start: the (CUDA provider libraries are not installed|provider libraries are present but did not load)/);
});

test('auto tries each provider alone, best first, and ends on the cpu here', async () => {
  assert.deepEqual(candidatesFor('auto'), ['cuda', 'webgpu', 'cpu']);
  assert.deepEqual(candidatesFor('webgpu'), ['webgpu', 'cpu']);
  const s = await createSession(tinyModel(), { provider: 'auto', threads: 1 });
  assert.ok(['cpu', 'webgpu', 'cuda'].includes(s.provider));
  if (s.provider === 'cpu') assert.equal(s.fallbacks.length, 2, s.fallbacks.join('\n'));
});

test('a graph the cpu cannot load is reported as a graph error, not as a missing device', async () => {
  const g = new GraphBuilder();
  g.output(g.node1('NoSuchOp', [g.input('x', 'float32', [2])], 'float32', [2]), 'y');
  await assert.rejects(createSession(g.toModel(), { provider: 'cpu' }), /onnxruntime could not load the graph/);
});

test('provider names and failure explanations', () => {
  assert.ok(isProviderChoice('auto') && isProviderChoice('cuda') && !isProviderChoice('gpu'));
  assert.match(explainProviderFailure('webgpu', new Error('Failed to get a WebGPU adapter: No supported adapters')), /WebGPU could not start/);
});

test('GPU-resident tensors are never read directly (getData would abort Node)', async () => {
  const fakeGpu = { location: 'gpu-buffer', type: 'float32', dims: [1] } as unknown as ort.Tensor;
  assert.throws(() => cpuData(fakeGpu), /in gpu-buffer memory; read it back through a CPU-output session/);
  // On the CPU provider transfers are no-ops that hand the same tensors back.
  const t = float32Tensor([1], [1]);
  const transfer = new DeviceTransfer('cpu');
  assert.equal((await transfer.upload({ t })).t, t);
  assert.equal((await transfer.download({ t })).t, t);
});
