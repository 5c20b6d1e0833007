import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../../server/core/graph/builder';
import { gradients } from '../../../server/core/graph/autodiff';
import { linear } from '../../../server/core/graph/ops/linear';
import { relu } from '../../../server/core/graph/ops/relu';
import { reduceSum } from '../../../server/core/graph/ops/reduce';
import { mul } from '../../../server/core/graph/ops/arithmetic';
import { buildModelView } from '../../../server/core/runtime/modelView';
import { causalLmLoss } from '../../../server/core/runtime/losses';
import { modelParameterShapes, type OptModelSpec } from '../../../server/core/model/optSpec';
import { config } from '../runtime/tinyModel';

function twoLayer() {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [4, 3]);
  const w1 = g.input('w1', 'float32', [5, 3]);
  const w2 = g.input('w2', 'float32', [2, 5]);
  const loss = reduceSum(g, linear(g, relu(g, linear(g, x, w1)), w2), [0, 1], false);
  return { g, x, w1, w2, loss };
}

const gemms = (g: GraphBuilder) => g.nodes.filter((n) => n.opType === 'Gemm').length;

test('only requested tensors are differentiated: a frozen first layer costs no backward Gemm', () => {
  const a = twoLayer();
  gradients(a.g, a.loss, [a.w2]);
  assert.equal(gemms(a.g), 3, 'two forward Gemms + dW2 only (no gradient flows into the frozen layer)');

  const b = twoLayer();
  gradients(b.g, b.loss, [b.w1]);
  assert.equal(gemms(b.g), 4, 'two forward + dH (through w2, not dW2) + dW1');
});

test('a requested tensor the loss does not reach gets zeros, or an error when required', () => {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', [3]);
  const y = g.input('y', 'float32', [3]);
  const loss = reduceSum(g, mul(g, x, x), [0], false);
  const [dy] = gradients(g, loss, [y]);
  assert.equal(g.nodes.find((n) => n.outputs.includes(dy.name))?.opType, 'Expand');
  assert.throws(() => gradients(g, loss, [y], { requireConnected: true }), /does not depend/);
});

test('LoRA graph: no gradient for frozen embeddings or base weights, one weight-gradient Gemm per adapter matrix', () => {
  const lora = { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'v_proj'] };
  const build = (spec: OptModelSpec, trainable: (n: string) => boolean) => {
    const view = buildModelView('t', spec, 2, 8, false);
    const names = [...modelParameterShapes(spec).keys()].filter(trainable);
    const grads = gradients(view.g, causalLmLoss(view).sum, names.map((n) => view.param(n)));
    grads.forEach((d, i) => view.g.output(d, `grad/${names[i]}`));
    const nodes = view.g.liveNodes();
    return {
      scatter: nodes.filter((n) => n.opType === 'ScatterND').length,
      // our Gemm rule writes every weight gradient as dYᵀ·X, i.e. a Gemm with transA = 1
      weightGrads: nodes.filter((n) => n.opType === 'Gemm' && n.attrs.transA?.kind === 'int' && n.attrs.transA.value === 1).length,
    };
  };
  const adapters = build({ config, lora }, (n) => n.includes('lora_'));
  assert.equal(adapters.scatter, 0, 'frozen embeddings: no ScatterND');
  assert.equal(adapters.weightGrads, 8, 'dA and dB for 4 adapted linears, nothing for the base weights');
  const full = build({ config }, () => true);
  assert.equal(full.scatter, 2, 'token and position embedding gradients');
  assert.equal(full.weightGrads, 6 * config.numLayers + 1, 'every linear weight, plus the tied LM head');
});
