// Verbalizers against a real tokenizer (OPT's vocab.json + merges.txt from data/opt), injected as
// the language server injects its own: multi-token verbalizers are errors naming the tokens, with
// the leading-space form suggested when that is one token; a missing tokenizer is said once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { DiagnosticSeverity } from '../../../protocol/experiment';
import { parseExperiment } from '../../../server/core/experiment/parse';
import { Code } from '../../../server/core/experiment/codes';
import type { TokenCheck } from '../../../server/core/experiment/environment';
import { loadTokenizer } from '../../../server/core/tokenizer';
import { only, rangeOf, withCode } from './helpers';

const opt = loadTokenizer(resolve('data/opt'));
const checkToken = (model: string, text: string): TokenCheck | undefined => {
  if (model !== 'facebook/opt-125m') return undefined; // as if this model's tokenizer were not downloaded
  const split = opt.splitIntoTokens(text);
  return { ok: split.single, tokens: split.tokens.map((t) => t.token) };
};

const file = (verbalizers: string, models = '[facebook/opt-125m]') =>
  `models: ${models}\ntasks: [cola]\nmethods: [pbft]\nn: [2]\nseeds: 1\npatterns:\n  cola:\n    pattern: "{sentence} ?"\n    verbalizers: ${verbalizers}\n`;

test('one-token verbalizers pass', () => {
  const result = parseExperiment(file('{ unacceptable: " No", acceptable: " Yes" }'), { env: { checkToken } });
  assert.deepEqual(result.diagnostics, []);
});

test('a multi-token verbalizer is an error that names its tokens and suggests the leading-space form', () => {
  const text = file('{ unacceptable: "Wrong", acceptable: " Yes" }');
  const d = only(parseExperiment(text, { env: { checkToken } }).diagnostics, Code.verbalizerNotSingleToken);
  assert.equal(d.severity, DiagnosticSeverity.Error);
  assert.deepEqual(d.range, rangeOf(text, '"Wrong"'));
  assert.deepEqual(d.data?.tokens, ['Wr', 'ong']);
  assert.equal(d.data?.suggestion, ' Wrong');
  assert.equal(d.data?.replacement, '" Wrong"');
  assert.match(d.message, /2 tokens of facebook\/opt-125m's tokenizer: "Wr", "ong"/);
});

test('no suggestion when the spaced form is not one token either', () => {
  const text = file('{ unacceptable: " ungrammatical", acceptable: " Yes" }');
  const d = only(parseExperiment(text, { env: { checkToken } }).diagnostics, Code.verbalizerNotSingleToken);
  assert.equal(d.data?.suggestion, undefined);
  assert.ok((d.data?.tokens?.length ?? 0) > 1);
});

test('default verbalizers are checked too, and reported on the task', () => {
  const text = 'models: [facebook/opt-125m]\ntasks: [cola]\nmethods: [pbft]\nn: [2]\nseeds: 1\n';
  const strict = (model: string, t: string) => ({ ok: t === ' Yes', tokens: [t] });
  const d = only(parseExperiment(text, { env: { checkToken: strict } }).diagnostics, Code.verbalizerNotSingleToken);
  assert.deepEqual(d.range, rangeOf(text, 'cola'));
});

test('a model whose tokenizer is not at hand is mentioned once, as information', () => {
  const text = file('{ unacceptable: " No", acceptable: " Yes" }', '[facebook/opt-125m, facebook/opt-350m]');
  const result = parseExperiment(text, { env: { checkToken } });
  const d = only(result.diagnostics, Code.tokenizerUnavailable);
  assert.equal(d.severity, DiagnosticSeverity.Information);
  assert.deepEqual(d.range, rangeOf(text, 'facebook/opt-350m'));
  assert.ok(result.spec, 'information does not block the run');
  assert.equal(withCode(result.diagnostics, Code.verbalizerNotSingleToken).length, 0);
});
