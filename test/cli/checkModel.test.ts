// `ftlab check-model` on the reference fixture models: the next-token logits it ranks must be
// Hugging Face's (golden.safetensors, lm.logits at each sequence's last real token), and the
// parameter count and layout must be the model's.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readSafetensors } from '../../server/core/model/weights/safetensors';
import { runCliInProcess } from './lib/cliProcess';

const REFERENCE = resolve(__dirname, '..', 'fixtures', 'reference');

/** A model folder as users have one: config, weights and the tokenizer files side by side. */
function modelFolder(caseName: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ftlab-${caseName}-`));
  for (const file of ['config.json', 'model.safetensors']) copyFileSync(join(REFERENCE, caseName, file), join(dir, file));
  for (const file of ['tokenizer.json', 'tokenizer_config.json', 'vocab.json', 'merges.txt']) copyFileSync(join(REFERENCE, 'tokenizer', file), join(dir, file));
  return dir;
}

interface CheckResult {
  parameters: number;
  layout: string;
  provider: string;
  promptIds: number[];
  top5: { id: number; token: string; logit: number; probability: number }[];
  peakRssBytes: number;
}

test('check-model ranks the next tokens as Hugging Face does, for both layouts', async () => {
  for (const caseName of ['tiny-opt-prenorm', 'tiny-opt-postnorm']) {
    const dir = modelFolder(caseName);
    const golden = readSafetensors(join(REFERENCE, caseName, 'golden.safetensors'));
    const ids = Array.from(golden.get('input_ids')!.data as BigInt64Array, Number); // [B, T]
    const mask = Array.from(golden.get('attention_mask')!.data as BigInt64Array, Number);
    const logits = golden.get('lm.logits')!.data as Float32Array; // [B, T, V]
    const [B, T, V] = golden.get('lm.logits')!.shape;
    for (let b = 0; b < B; b++) {
      const length = mask.slice(b * T, (b + 1) * T).reduce((s, m) => s + m, 0);
      const prompt = ids.slice(b * T, b * T + length);
      const row = logits.subarray((b * T + length - 1) * V, (b * T + length) * V);
      const expected = [...row.keys()].sort((x, y) => row[y] - row[x]).slice(0, 5);

      const { code, stdout, stderr } = await runCliInProcess(['check-model', dir, '--ids', prompt.join(','), '--provider', 'cpu', '--json'], { cwd: dir });
      assert.equal(code, 0, stderr);
      const result = JSON.parse(stdout) as CheckResult;
      assert.deepEqual(result.promptIds, prompt);
      assert.deepEqual(result.top5.map((t) => t.id), expected, `${caseName} row ${b}`);
      for (const t of result.top5) assert.ok(Math.abs(t.logit - row[t.id]) < 1e-4, `${caseName} row ${b} token ${t.id}: ${t.logit} vs ${row[t.id]}`);
      assert.equal(result.provider, 'cpu');
      assert.ok(result.peakRssBytes > 10 * 1024 * 1024);
    }
  }
});

test('check-model prints the parameter count, the layout and the top tokens of a text prompt', async () => {
  const pre = await runCliInProcess(['check-model', modelFolder('tiny-opt-prenorm'), '--prompt', 'The cat sat', '--provider', 'cpu'], { cwd: '/' });
  assert.equal(pre.code, 0, pre.stderr);
  // vocab 512 × 64 tied embeddings + 66 × 64 positions + 2 layers × (4 attention linears 64×64+64,
  // fc1 64×128+128, fc2 128×64+64, two layer norms 2×64 each) + the final layer norm 2×64.
  const expected = 512 * 64 + 66 * 64 + 2 * (4 * (64 * 64 + 64) + (64 * 128 + 128) + (128 * 64 + 64) + 2 * 128) + 128;
  assert.match(pre.stdout, new RegExp(`parameters  ${expected.toLocaleString('en-US')} \\(2 layers, hidden 64, vocab 512; safetensors weights\\)`));
  assert.match(pre.stdout, /layout      pre-norm \(opt-125m layout\), final layer norm/);
  assert.match(pre.stdout, /provider    cpu/);
  assert.match(pre.stdout, /prompt      "The cat sat" → \d+ tokens \[2, /);
  assert.equal(pre.stdout.split('\n').filter((l) => /^ {2}".*" +\d\.\d{4} {2}\d+$/.test(l)).length, 5, pre.stdout);
  assert.match(pre.stdout, /peak RSS    \d+\.\d MiB/);

  const post = await runCliInProcess(['check-model', modelFolder('tiny-opt-postnorm'), '--provider', 'cpu'], { cwd: '/' });
  assert.equal(post.code, 0, post.stderr);
  assert.match(post.stdout, /layout      post-norm \(opt-350m layout\), project_in\/out 32↔64, no final layer norm/);
});

test('check-model names the file at fault when the weights are missing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftlab-noweights-'));
  copyFileSync(join(REFERENCE, 'tiny-opt-prenorm', 'config.json'), join(dir, 'config.json'));
  const { code, stderr } = await runCliInProcess(['check-model', dir], { cwd: '/' });
  assert.equal(code, 1);
  assert.match(stderr, new RegExp(`${dir}: no weights found: expected one of model\\.safetensors`));
});
