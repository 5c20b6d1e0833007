// Parity of the OPT model with Hugging Face transformers on every model case: LM logits, hidden
// states, LM loss and every parameter's gradient; classification logits, loss and gradients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '../../server/core/graph/builder';
import { reshape } from '../../server/core/graph/ops/shape';
import { SCORE } from '../../server/core/model/optParams';
import { TrainingEngine } from '../../server/core/runtime/engine';
import { Evaluator, paramTensors } from '../../server/core/runtime/evaluator';
import { causalLmLoss, classificationLoss } from '../../server/core/runtime/losses';
import type { LossTerms, ModelView } from '../../server/core/runtime/objective';
import { floatData } from '../../server/core/runtime/tensors';
import { compareGradients, LOGIT_TOL, maxAbsDiff } from './compare';
import { floatsOf, loadModelCase, type ModelCase } from './modelCase';
import { modelCases } from './referenceCases';

async function gradientsOf(c: ModelCase, key: string, loss: (v: ModelView) => LossTerms, trainable: (n: string) => boolean) {
  const engine = await TrainingEngine.create(c.spec, { key, trainable, loss }, c.batch, c.seq, { dropout: false });
  const state = await engine.createState(new Map(c.params));
  const { loss: value, count, grads, fromRows } = await engine.gradients(state, c.feeds);
  // The graph differentiates the summed loss; HF's gradient is of the mean.
  const mean = new Map([...grads].map(([n, g]) => [n, g.map((x) => x / count)]));
  return { loss: value, grads: mean, fromRows };
}

function goldenGrads(c: ModelCase, prefix: string): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, t] of c.golden) if (name.startsWith(prefix)) out.set(name.slice(prefix.length), floatsOf(t, name));
  return out;
}

const cases = modelCases();
test('reference model cases are discovered', () => {
  assert.ok(cases.length >= 2, `found ${cases.map((c) => c.name)}`);
});

for (const { name, dir } of cases) {
  test(`${name}: LM logits, hidden states and classification logits`, async () => {
    const c = loadModelCase(dir);
    const L = c.config.numLayers;
    const readout = {
      key: 'parity',
      outputs: (v: ModelView) => {
        const outs: Record<string, Tensor> = { logits: v.lmLogits() };
        if (c.hasClassification) outs.cls_logits = v.classLogits();
        v.forward.hidden.forEach((h, i) => (outs[`hidden.${i}`] = reshape(v.g, h, [v.batch, v.seq, h.shape[1]])));
        return outs;
      },
    };
    const ev = await Evaluator.create(c.spec, readout, c.batch, c.seq);
    const out = await ev.run(paramTensors(c.spec, c.params), c.feeds);
    const logitErr = maxAbsDiff(floatData(out.logits), floatsOf(c.golden.get('lm.logits'), 'lm.logits'));
    const clsErr = c.hasClassification ? maxAbsDiff(floatData(out.cls_logits), floatsOf(c.golden.get('cls.logits'), 'cls.logits')) : 0;
    let hiddenErr = 0;
    for (let i = 0; i <= L; i++) {
      hiddenErr = Math.max(hiddenErr, maxAbsDiff(floatData(out[`hidden.${i}`]), floatsOf(c.golden.get(`lm.hidden.${i}`), `lm.hidden.${i}`)));
    }
    console.log(`${name}: worst LM logit error ${logitErr.toExponential(2)}, hidden-state error ${hiddenErr.toExponential(2)}, classification logit error ${clsErr.toExponential(2)}`);
    assert.ok(logitErr < LOGIT_TOL, `LM logits off by ${logitErr}`);
    assert.ok(hiddenErr < LOGIT_TOL, `hidden states off by ${hiddenErr}`);
    assert.ok(clsErr < LOGIT_TOL, `classification logits off by ${clsErr}`);
  });

  test(`${name}: causal-LM loss and the gradient of every parameter`, async () => {
    const c = loadModelCase(dir);
    const { loss, grads } = await gradientsOf(c, 'lm', causalLmLoss, (n) => n !== SCORE);
    const lossErr = Math.abs(loss - c.goldenJson.lm_loss);
    const cmp = compareGradients(grads, goldenGrads(c, 'lm.grad.'));
    console.log(
      `${name}: LM loss error ${lossErr.toExponential(2)}, worst LM gradient error ${cmp.worst.toExponential(2)} (${cmp.worstName}); exact-zero gradients: ${cmp.zero.join(', ')}`,
    );
    assert.ok(lossErr < LOGIT_TOL, `LM loss ${loss} vs ${c.goldenJson.lm_loss}`);
    assert.deepEqual(cmp.failures, []);
  });

  // A case without classification goldens (only LM ones) has no classification test at all.
  if (!loadModelCase(dir).hasClassification) continue;
  test(`${name}: classification loss and the gradient of every parameter`, async () => {
    const c = loadModelCase(dir);
    const { loss, grads, fromRows } = await gradientsOf(c, 'cls', classificationLoss, () => true);
    const lossErr = Math.abs(loss - c.goldenJson.cls_loss);
    const cmp = compareGradients(grads, goldenGrads(c, 'cls.grad.'));
    console.log(
      `${name}: classification loss error ${lossErr.toExponential(2)}, worst classification gradient error ${cmp.worst.toExponential(2)} (${cmp.worstName}); exact-zero gradients: ${cmp.zero.join(', ')}; sent as rows: ${fromRows.join(', ')}`,
    );
    // The embeddings are read by Gathers only here: their gradients take the rows path of the CPU step.
    assert.deepEqual(fromRows.sort(), ['model.decoder.embed_positions.weight', 'model.decoder.embed_tokens.weight']);
    assert.ok(lossErr < LOGIT_TOL, `classification loss ${loss} vs ${c.goldenJson.cls_loss}`);
    assert.deepEqual(cmp.failures, []);
  });
}
