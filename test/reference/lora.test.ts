// Parity of LoRA with PEFT on every LoRA case: logits with the adapters, the LM loss, the
// gradients of every A and B (base frozen), and logits after merging the adapters into the weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loraParameterShapes, mergeLora, type LoraOptions } from '../../server/core/model/lora';
import type { OptModelSpec } from '../../server/core/model/optSpec';
import { readSafetensors } from '../../server/core/model/weights/safetensors';
import { TrainingEngine } from '../../server/core/runtime/engine';
import { Evaluator, paramTensors } from '../../server/core/runtime/evaluator';
import { causalLmLoss } from '../../server/core/runtime/losses';
import type { ModelView } from '../../server/core/runtime/objective';
import { floatData } from '../../server/core/runtime/tensors';
import { compareGradients, LOGIT_TOL, maxAbsDiff } from './compare';
import { floatsOf, loadModelCase } from './modelCase';
import { loraCases } from './referenceCases';

const cases = loraCases();
test('reference LoRA cases are discovered', () => {
  assert.ok(cases.length >= 1);
});

const lmReadout = { key: 'lm-logits', outputs: (v: ModelView) => ({ logits: v.lmLogits() }) };

for (const { name, dir, baseDir } of cases) {
  test(`${name}: LoRA logits, loss, adapter gradients and merged logits`, async () => {
    const meta = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8'));
    const golden = readSafetensors(join(dir, 'golden.safetensors'));
    const base = loadModelCase(baseDir);
    const lora: LoraOptions = { r: meta.r, alpha: meta.lora_alpha, dropout: 0, targetModules: meta.target_modules };
    const spec: OptModelSpec = { config: base.config, lora };
    const adapterNames = [...loraParameterShapes(base.config, lora).keys()];
    assert.deepEqual([...adapterNames].sort(), [...meta.lora_params].sort(), 'adapter parameter names follow PEFT');

    const params = new Map(base.params);
    params.delete('score.weight');
    for (const n of adapterNames) params.set(n, floatsOf(golden.get(`param.${n}`), `param.${n}`));
    const refLogits = floatsOf(golden.get('lm.logits'), 'lm.logits');

    const ev = await Evaluator.create(spec, lmReadout, base.batch, base.seq);
    const logitErr = maxAbsDiff(floatData((await ev.run(paramTensors(spec, params), base.feeds)).logits), refLogits);

    const isAdapter = (n: string): boolean => adapterNames.includes(n);
    const engine = await TrainingEngine.create(spec, { key: 'lora-lm', trainable: isAdapter, loss: causalLmLoss }, base.batch, base.seq, { dropout: false });
    assert.deepEqual(engine.trainable, adapterNames, 'only the adapters train');
    const state = await engine.createState(new Map(params));
    const { loss, count, grads } = await engine.gradients(state, base.feeds);
    const mean = new Map([...grads].map(([n, g]) => [n, g.map((x) => x / count)]));
    const refGrads = new Map(adapterNames.map((n) => [n, floatsOf(golden.get(`grad.${n}`), `grad.${n}`)]));
    const cmp = compareGradients(mean, refGrads);
    const lossErr = Math.abs(loss - meta.lm_loss);

    const plain: OptModelSpec = { config: base.config };
    const merged = mergeLora(base.config, lora, params);
    const mergedEv = await Evaluator.create(plain, lmReadout, base.batch, base.seq);
    const mergedErr = maxAbsDiff(floatData((await mergedEv.run(paramTensors(plain, merged), base.feeds)).logits), refLogits);

    console.log(
      `${name}: LoRA logit error ${logitErr.toExponential(2)}, loss error ${lossErr.toExponential(2)}, worst adapter gradient error ${cmp.worst.toExponential(2)} (${cmp.worstName}), merged-weights logit error ${mergedErr.toExponential(2)}`,
    );
    assert.ok(logitErr < LOGIT_TOL, `logits off by ${logitErr}`);
    assert.ok(lossErr < LOGIT_TOL, `loss ${loss} vs ${meta.lm_loss}`);
    assert.deepEqual(cmp.failures, []);
    assert.ok(mergedErr < LOGIT_TOL, `merged logits off by ${mergedErr}`);
  });
}
