// The small parts of orchestration on their own: error classification, the ETA estimate, and the
// progress line of `ftlab run`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyTrialError, formatBytes } from '../../../server/trainer/classifyError';
import { EtaEstimator } from '../../../server/runner/eta';
import { NonFiniteLossError, OutOfMemoryError, stepUnderWay } from '../../../server/runner/trialContract';
import { formatDuration, statusLine } from '../../../server/cli/progressView';
import type { RunnerProgress } from '../../../server/runner';

test('errors become failed-trial reasons: nan, oom (with size and node where known), error', () => {
  assert.deepEqual(classifyTrialError(new NonFiniteLossError(7, Infinity)), { kind: 'nan', message: 'training loss became Infinity at step 7', step: 7 });
  const ort = new Error(
    "Non-zero status code returned while running MatMul node. Name:'/layers.3/fc1/MatMul' Status Message: bfc_arena.cc:360 Failed to allocate memory for requested buffer of size 3221225472\n",
  );
  assert.deepEqual(classifyTrialError(ort, 12), {
    kind: 'oom',
    message: "out of memory: onnxruntime could not allocate 3.0 GiB (3221225472 bytes) for MatMul node '/layers.3/fc1/MatMul'",
    step: 12,
  });
  assert.equal(classifyTrialError(new RangeError('Array buffer allocation failed')).kind, 'oom');
  assert.equal(classifyTrialError(new Error('CUDA failure 2: out of memory ; GPU=0')).kind, 'oom');
  assert.deepEqual(classifyTrialError(new OutOfMemoryError('the batch does not fit', 2 ** 31), 3), {
    kind: 'oom',
    message: 'out of memory (needed 2.0 GiB): the batch does not fit',
    step: 3,
  });
  const plain = new TypeError("Cannot read properties of undefined (reading 'x')");
  assert.deepEqual(classifyTrialError(plain), { kind: 'error', message: "TypeError: Cannot read properties of undefined (reading 'x')" });
  assert.deepEqual(classifyTrialError('a string'), { kind: 'error', message: 'a string' });
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
});

test('the step of a failure is the one under way while training, the last one afterwards', () => {
  assert.equal(stepUnderWay('train', undefined), 1);
  assert.equal(stepUnderWay('train', 4), 5);
  assert.equal(stepUnderWay('eval', 40), 40);
  assert.equal(stepUnderWay('load', undefined), undefined);
  assert.equal(stepUnderWay(undefined, 3), 3);
});

test('the ETA uses the same method’s trials where known and the current trial’s progress', () => {
  const eta = new EtaEstimator();
  assert.equal(eta.estimate(['vanilla', 'icl']), undefined, 'nothing to go on before a trial finishes');
  eta.add('vanilla', 10);
  eta.add('vanilla', 20);
  eta.add('icl', 2);
  // vanilla 15 s each, icl 2 s, lora unknown → the mean of all three (32/3 s).
  assert.equal(eta.estimate(['vanilla', 'icl']), 17);
  assert.ok(Math.abs(eta.estimate(['lora'])! - 32 / 3) < 1e-9);
  // A current vanilla trial 25% through after 5 s: 15 s left of it.
  assert.equal(eta.estimate(['icl'], { method: 'vanilla', elapsedS: 5, fraction: 0.25 }), 2 + 15);
  // Without step progress: expected minus elapsed, never negative.
  assert.equal(eta.estimate([], { method: 'vanilla', elapsedS: 40 }), 0);
});

test('the progress line shows the bar, the trial, the step, the loss and the ETA, cut to the terminal width', () => {
  const p: RunnerProgress = {
    runId: 'r',
    state: 'running',
    totalTrials: 20,
    finishedTrials: 9,
    failedTrials: 1,
    toRun: 20,
    doneThisRun: 10,
    current: { key: 'k', config: { model: 'facebook/opt-125m', task: 'cola', method: 'lora', n: 16, dataSeed: 2, modelSeed: 2 }, epoch: 3, epochs: 40, step: 7, steps: 80 },
    phase: 'train',
    loss: 0.69314,
    etaS: 3725,
  };
  assert.equal(
    statusLine(p, 200),
    '[##########----------] 10/20 · 1 failed · lora n=16 seed 2 · cola · facebook/opt-125m · epoch 3/40 step 7/80 · loss 0.6931 · ETA 1h02m',
  );
  const narrow = statusLine(p, 40);
  assert.equal(narrow.length, 39);
  assert.ok(narrow.endsWith('…'));
  assert.match(statusLine({ ...p, phase: 'eval' }, 200), / · eval · ETA/);
  assert.match(statusLine({ ...p, state: 'cancelling' }, 200), /stopping after this step/);
  assert.equal(formatDuration(59.4), '59s');
  assert.equal(formatDuration(61), '1m01s');
});
