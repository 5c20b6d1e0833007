import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OptModelSpec } from '../../../server/core/model/optSpec';
import { Evaluator, paramTensors } from '../../../server/core/runtime/evaluator';
import type { ModelView } from '../../../server/core/runtime/objective';
import { buildModelView } from '../../../server/core/runtime/modelView';
import { buildReadoutGraph } from '../../../server/core/runtime/stepGraphs';
import { lmReadout, verbalizerReadout, VERBALIZER_IDS } from '../../../server/core/runtime/readouts';
import { floatData, int64Tensor } from '../../../server/core/runtime/tensors';
import { config, feedsFor, loadParams, sentences } from './tinyModel';

const SEQ = 9;
const TOKENS = [17, 4, 300];

test('LM logits restricted to chosen tokens at the last non-pad token equal the full-vocabulary logits there', async () => {
  const spec: OptModelSpec = { config };
  const seqs = sentences(3, SEQ, 9);
  const params = paramTensors(spec, loadParams(spec));
  const feeds = { ...feedsFor(seqs, SEQ), [VERBALIZER_IDS]: int64Tensor(TOKENS, [TOKENS.length]) };
  const full = floatData((await (await Evaluator.create(spec, lmReadout, 3, SEQ)).run(params, feeds)).logits);
  const picked = floatData((await (await Evaluator.create(spec, verbalizerReadout(TOKENS.length), 3, SEQ)).run(params, feeds)).logits);
  const V = config.vocabSize;
  seqs.forEach((s, b) => {
    const row = b * SEQ + s.length - 1;
    TOKENS.forEach((tok, k) => assert.ok(Math.abs(picked[b * TOKENS.length + k] - full[row * V + tok]) < 1e-5));
  });
});

test('the verbalizer readout never multiplies by the whole embedding matrix', () => {
  const headInputs = (outputs: (v: ModelView) => Record<string, unknown>) => {
    const view = buildModelView('t', { config }, 2, SEQ, false);
    outputs(view);
    // The full LM head is a Gemm that takes the [V, Cp] embedding itself; the restricted one takes
    // a Gather of K rows of it.
    return view.g.nodes.filter((n) => n.opType === 'Gemm' && n.inputs.includes('model.decoder.embed_tokens.weight')).length;
  };
  assert.equal(headInputs((v) => ({ picked: v.lmLogitsAtLast(v.input('token_ids', 'int64', [2])) })), 0);
  assert.equal(headInputs((v) => ({ full: v.lmLogits() })), 1);
});

test('evaluation graphs take no dropout masks even when the config has dropout', () => {
  assert.ok(config.dropout > 0);
  const graph = buildReadoutGraph({ config }, { key: 'x', outputs: (v: ModelView) => ({ l: v.lmLogits() }) }, 2, SEQ);
  assert.deepEqual(graph.masks, []);
  assert.ok(!graph.inputs.some((i) => i.name.startsWith('dropout.')));
});
