// Numerical faults in real trials (the built CLI and trainer, real onnxruntime): a model whose
// weights hold an infinite value makes every method's trial stop with a recorded 'nan' reason —
// at step 1 for the methods that train, while scoring for in-context learning (which has no loss:
// its garbage class scores must not become a silent accuracy) — and a model too large for the
// memory it may use fails with 'oom', saying how much onnxruntime asked for and which setting to
// lower. The out-of-memory run is confined with an address-space limit (prlimit), so that the
// failing allocation is refused at once, whatever the machine's overcommit policy.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProduct, DEMO_MODEL } from './lib/builtProduct';
import { cliEnv, experimentYaml, makeWorkspace } from './lib/experiments';
import { runCli } from './lib/processes';
import { readStoreLines, runFolders } from './lib/storeCheck';

const product = buildProduct();

/** Copies the demo model, setting element 0 of `tensor` (F16) to +Infinity. */
function modelWithInfinity(dir: string, tensor: string): void {
  mkdirSync(dir);
  for (const f of ['config.json', 'vocab.json', 'merges.txt']) copyFileSync(join(DEMO_MODEL, f), join(dir, f));
  const bytes = readFileSync(join(DEMO_MODEL, 'model.safetensors'));
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { dtype: string; data_offsets: [number, number] }>;
  const entry = header[tensor];
  assert.equal(entry?.dtype, 'F16', `${tensor} is stored as F16`);
  bytes.writeUInt16LE(0x7c00, 8 + headerLength + entry.data_offsets[0]); // IEEE half +Infinity
  writeFileSync(join(dir, 'model.safetensors'), bytes);
}

test('weights holding Infinity: each trial stops with a nan reason and its step, none reports metrics', async () => {
  const ws = makeWorkspace('nan');
  modelWithInfinity(join(ws.dir, 'model'), 'model.decoder.final_layer_norm.weight');
  writeFileSync(ws.experimentPath, experimentYaml({ models: ['./model'], methods: ['vanilla', 'pbft', 'lora', 'distill', 'icl'], n: [2], seeds: 1, epochs: 2, evalExamples: 8 }));
  const end = await runCli(product.cli, ['run', ws.experimentPath, '--provider', 'cpu'], { cwd: ws.dir, env: cliEnv(ws) });
  assert.equal(end.code, 1, end.stdout + end.stderr);
  const [runId] = runFolders(ws.resultsDir);
  const byMethod = new Map(readStoreLines(join(ws.resultsDir, runId)).records.map((r) => [r.config.method, r]));
  assert.equal(byMethod.size, 5);
  for (const [method, r] of byMethod) {
    assert.equal(r.status, 'failed', `${method} is not a result`);
    assert.deepEqual(r.metrics, {}, `${method}: no metrics from broken numbers`);
    assert.equal(r.error?.kind, 'nan', `${method}: ${JSON.stringify(r.error)}`);
  }
  for (const method of ['vanilla', 'pbft', 'lora'] as const) {
    assert.match(byMethod.get(method)!.error!.message, /^training loss became (NaN|Infinity|-Infinity) at step 1$/, method);
    assert.equal(byMethod.get(method)!.error!.step, 1);
  }
  // Distillation's teacher scores the prompts with the loaded weights before any step.
  assert.match(byMethod.get('distill')!.error!.message, /^scoring the teacher's prompts gave a class score of (NaN|Infinity|-Infinity) \(example 1\): the model's weights/);
  const icl = byMethod.get('icl')!;
  assert.match(icl.error!.message, /^scoring cola-in-domain-dev gave a class score of (NaN|Infinity|-Infinity) \(example 1\)/);
  assert.equal(icl.error!.step, undefined, 'in-context learning takes no steps');
  assert.match(end.stdout, /icl n=2 seed 0 · cola · \.\/model — FAILED nan: scoring cola-in-domain-dev gave a class score/);
});

const prlimit = spawnSync('prlimit', ['--version']).status === 0;

test('a model too large for the memory it may use: the trial fails as oom with the bytes asked for and what to lower', { skip: !prlimit && 'prlimit (util-linux) is not installed' }, async () => {
  const ws = makeWorkspace('oom');
  // The demo model with 48 attention heads of width 1 (the weights do not change): in-context
  // learning over all 527 in-domain examples in one 527 × 256-token batch needs attention scores
  // of 527 × 48 × 256 × 256 floats, 6.2 GiB, in one buffer.
  const model = join(ws.dir, 'wide-attention');
  mkdirSync(model);
  for (const f of ['model.safetensors', 'vocab.json', 'merges.txt']) copyFileSync(join(DEMO_MODEL, f), join(model, f));
  const config = JSON.parse(readFileSync(join(DEMO_MODEL, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(model, 'config.json'), JSON.stringify({ ...config, num_attention_heads: 48 }));
  writeFileSync(
    ws.experimentPath,
    experimentYaml({ models: ['./wide-attention'], methods: ['icl'], n: [16], seeds: 1 }).replace(/methods: \[icl\]/, 'methods:\n  icl: { k: 16 }').replace(/evaluation: .*/, 'evaluation: { maxExamples: all, batchSize: 527 }'),
  );
  const limitBytes = 4 * 1024 ** 3;
  const end = await runCli(product.cli, ['run', ws.experimentPath, '--provider', 'cpu'], { cwd: ws.dir, env: cliEnv(ws), wrapper: ['prlimit', `--as=${limitBytes}`] });
  assert.equal(end.code, 1, end.stdout + end.stderr);
  const [runId] = runFolders(ws.resultsDir);
  const [record] = readStoreLines(join(ws.resultsDir, runId)).records;
  assert.equal(record.status, 'failed');
  assert.equal(record.error?.kind, 'oom', JSON.stringify(record.error));
  assert.match(record.error!.message, /^out of memory: onnxruntime could not allocate \d+\.\d GiB \((\d+) bytes\) for \w+ node '[^']+'; while evaluating \(lower evaluation\.batchSize\)$/);
  const bytes = Number(/\((\d+) bytes\)/.exec(record.error!.message)![1]);
  assert.ok(bytes > limitBytes, `asked for ${bytes} bytes, more than the ${limitBytes} allowed`);
  assert.match(end.stdout, /FAILED oom: out of memory: onnxruntime could not allocate/);
});
