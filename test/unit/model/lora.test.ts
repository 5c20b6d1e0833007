import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseOptConfig } from '../../../server/core/model/config';
import { initLora, loraA, loraB, loraParameterShapes, loraTargets, mergeLora, type LoraOptions } from '../../../server/core/model/lora';
import { Rng } from '../../../server/core/model/random';

const FIXTURES = join(__dirname, '../../fixtures/reference');
const config = parseOptConfig(JSON.parse(readFileSync(join(FIXTURES, 'tiny-opt-prenorm/config.json'), 'utf8')), 'config.json');
const opts: LoraOptions = { r: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'v_proj'] };

test('targets match module names by suffix, as PEFT does', () => {
  const t = loraTargets(config, opts).map((x) => x.module);
  assert.deepEqual(t, [
    'model.decoder.layers.0.self_attn.q_proj',
    'model.decoder.layers.0.self_attn.v_proj',
    'model.decoder.layers.1.self_attn.q_proj',
    'model.decoder.layers.1.self_attn.v_proj',
  ]);
  assert.equal(loraTargets(config, { ...opts, targetModules: ['fc1', 'layers.1.self_attn.out_proj'] }).length, 3);
  assert.throws(() => loraTargets(config, { ...opts, targetModules: ['qproj'] }), /"qproj" matches no linear/);
  assert.throws(() => loraTargets(config, { ...opts, r: 100 }), /rank 100 exceeds/);
});

test('PEFT initialization: A Kaiming-uniform within 1/sqrt(in), B zero, reproducible from the seed', () => {
  const a = initLora(config, opts, new Rng(5));
  const b = initLora(config, opts, new Rng(5));
  const c = initLora(config, opts, new Rng(6));
  const m = 'model.decoder.layers.0.self_attn.q_proj';
  const A = a.get(loraA(m))!;
  assert.equal(A.length, 4 * 64);
  const bound = 1 / Math.sqrt(64);
  assert.ok(A.every((x) => Math.abs(x) <= bound));
  assert.ok(Math.max(...A) > bound * 0.9, 'uses the whole range');
  assert.ok(a.get(loraB(m))!.every((x) => x === 0));
  assert.deepEqual(A, b.get(loraA(m)));
  assert.notDeepEqual(A, c.get(loraA(m)));
  assert.deepEqual([...loraParameterShapes(config, opts).values()][0], [4, 64]);
});

test('merge folds scaling·B·A into the base weight and shares untouched weights', () => {
  const m = 'model.decoder.layers.0.self_attn.q_proj';
  const params = new Map<string, Float32Array>();
  const base = Float32Array.from({ length: 64 * 64 }, (_, i) => Math.sin(i));
  params.set(`${m}.weight`, base);
  const lora = initLora(config, opts, new Rng(1));
  for (const [n, v] of lora) params.set(n, v);
  for (const t of loraTargets(config, opts)) if (!params.has(`${t.module}.weight`)) params.set(`${t.module}.weight`, new Float32Array(64 * 64));
  const other = new Float32Array(8);
  params.set('model.decoder.layers.0.fc1.bias', other);
  const B = params.get(loraB(m))!;
  B.forEach((_, i) => (B[i] = Math.cos(i)));
  const A = params.get(loraA(m))!;

  const merged = mergeLora(config, opts, params);
  assert.ok(!merged.has(loraA(m)) && !merged.has(loraB(m)));
  assert.equal(merged.get('model.decoder.layers.0.fc1.bias'), other, 'untouched arrays are shared, not copied');
  const W = merged.get(`${m}.weight`)!;
  for (const [i, j] of [[0, 0], [5, 17], [63, 63]]) {
    let delta = 0;
    for (let k = 0; k < 4; k++) delta += B[i * 4 + k] * A[k * 64 + j];
    assert.ok(Math.abs(W[i * 64 + j] - (base[i * 64 + j] + 2 * delta)) < 1e-5);
  }
  assert.equal(base[0], Math.fround(Math.sin(0)), 'the base array itself is not modified');
});
