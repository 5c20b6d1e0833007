import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, parseOptConfig, readOptConfig } from '../../../server/core/model/config';
import { optParameterShapes } from '../../../server/core/model/optParams';

const FIXTURES = join(__dirname, '../../fixtures/reference');
const prenormJson = JSON.parse(readFileSync(join(FIXTURES, 'tiny-opt-prenorm/config.json'), 'utf8'));

test('pre-norm config (opt-125m layout): final layer norm, no projections', () => {
  const c = parseOptConfig(prenormJson, 'config.json');
  assert.equal(c.doLayerNormBefore, true);
  assert.equal(c.finalLayerNorm, true);
  assert.equal(c.wordEmbedProjDim, c.hiddenSize);
  const shapes = optParameterShapes(c);
  assert.deepEqual(shapes.get('model.decoder.embed_positions.weight'), [c.maxPositions + 2, 64]);
  assert.ok(shapes.has('model.decoder.final_layer_norm.weight'));
  assert.ok(!shapes.has('model.decoder.project_in.weight'));
});

test('post-norm config (opt-350m layout): project_in/out and no final layer norm', async () => {
  const c = await readOptConfig(join(FIXTURES, 'tiny-opt-postnorm/config.json'));
  assert.equal(c.doLayerNormBefore, false);
  assert.equal(c.finalLayerNorm, false);
  const shapes = optParameterShapes(c);
  assert.deepEqual(shapes.get('model.decoder.project_in.weight'), [64, 32]);
  assert.deepEqual(shapes.get('model.decoder.project_out.weight'), [32, 64]);
  assert.deepEqual(shapes.get('model.decoder.embed_tokens.weight'), [512, 32]);
  assert.ok(!shapes.has('model.decoder.final_layer_norm.weight'));
});

test('unknown model type is named in the error', () => {
  assert.throws(() => parseOptConfig({ ...prenormJson, model_type: 'gpt2' }, 'x/config.json'), (e: Error) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /x\/config\.json: model_type "gpt2": only OPT models/);
    return true;
  });
  assert.throws(() => parseOptConfig({ hidden_size: 8 }, 'c.json'), /no "model_type" field/);
});

test('missing and malformed fields are named', () => {
  const { hidden_size: _dropped, ...noHidden } = prenormJson;
  assert.throws(() => parseOptConfig(noHidden, 'c.json'), /c\.json: missing field "hidden_size"/);
  assert.throws(() => parseOptConfig({ ...prenormJson, num_hidden_layers: 2.5 }, 'c.json'), /"num_hidden_layers" must be a positive integer, got 2.5/);
  assert.throws(() => parseOptConfig({ ...prenormJson, num_attention_heads: 5 }, 'c.json'), /not divisible by num_attention_heads 5/);
  assert.throws(() => parseOptConfig({ ...prenormJson, activation_function: 'gelu' }, 'c.json'), /activation_function "gelu"/);
  assert.throws(() => parseOptConfig({ ...prenormJson, dropout: 1.5 }, 'c.json'), /"dropout" must be in \[0, 1\)/);
  assert.throws(() => parseOptConfig([], 'c.json'), /not a JSON object/);
});

test('readOptConfig reports unreadable and invalid files', async () => {
  await assert.rejects(readOptConfig('/nonexistent/config.json'), /\/nonexistent\/config\.json: cannot read/);
  await assert.rejects(readOptConfig(join(FIXTURES, 'README.md')), /README\.md: not valid JSON/);
});

test('defaults follow OPTConfig where a checkpoint omits fields', () => {
  const { word_embed_proj_dim: _a, enable_bias: _b, pad_token_id: _c, ...rest } = prenormJson;
  const c = parseOptConfig(rest, 'c.json');
  assert.equal(c.wordEmbedProjDim, c.hiddenSize);
  assert.equal(c.enableBias, true);
  assert.equal(c.padTokenId, 1);
});
