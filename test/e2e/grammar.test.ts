// The TextMate grammars, tokenized by VS Code's own engine (vscode-textmate + oniguruma from the
// installed code-server): placeholders and verbalizers get their scopes, and the YAML around them
// is still YAML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from './lib/codeServer';
import { loadGrammar, type ScopedText } from './lib/textmate';

const experimentGrammar = join(repoRoot, 'media', 'syntaxes', 'ftlab-experiment.tmLanguage.json');
const patternGrammar = join(repoRoot, 'media', 'syntaxes', 'ftlab-pattern.tmLanguage.json');

/** The innermost scopes of the token(s) spelling exactly `text` on a line. */
function scopesOf(line: ScopedText[], text: string): string[] {
  const token = line.find((t) => t.text === text);
  assert.ok(token, `no token ${JSON.stringify(text)} in ${JSON.stringify(line.map((t) => t.text))}`);
  return token.scopes;
}

const experiment = `name: demo   # a comment
n: [2, 16]
patterns:
  cola:
    pattern: "{sentence} Is this {{grammatical}}? {bad name}"
    verbalizers:
      0: " No"
      1: Yes
    separator: " "
  mnli:
    verbalizers: {entailment: " Yes", contradiction: ' No'}
    pattern: >-
      {premise} question: {hypothesis}
training:
  lr: 1.0e-5
`;

test('placeholders, literal braces and bad placeholders inside experiment strings', async () => {
  const lines = (await loadGrammar(experimentGrammar))(experiment);
  const patternLine = lines[4];
  assert.ok(scopesOf(patternLine, 'sentence').includes('variable.other.placeholder.ftlab'));
  assert.ok(scopesOf(patternLine, 'sentence').includes('string.quoted.double.yaml'));
  assert.ok(scopesOf(patternLine, '{').includes('punctuation.definition.template-expression.begin.ftlab'));
  assert.ok(scopesOf(patternLine, '{{').includes('constant.character.escape.brace.ftlab'));
  assert.ok(!scopesOf(patternLine, 'grammatical').some((s) => s.startsWith('variable')));
  assert.ok(scopesOf(patternLine, '{bad name}').includes('invalid.illegal.placeholder.ftlab'));
  // In a folded block scalar too.
  assert.ok(scopesOf(lines[12], 'hypothesis').includes('variable.other.placeholder.ftlab'));
  assert.ok(scopesOf(lines[12], 'premise').includes('string.unquoted.block.yaml'));
});

test('verbalizers are marked in block and flow mappings, and the block ends at the dedent', async () => {
  const lines = (await loadGrammar(experimentGrammar))(experiment);
  assert.ok(scopesOf(lines[6], ' No').includes('constant.language.verbalizer.ftlab'));
  assert.ok(scopesOf(lines[6], '0').includes('entity.name.tag.label.ftlab'));
  assert.ok(scopesOf(lines[7], 'Yes').includes('constant.language.verbalizer.ftlab'));
  assert.ok(scopesOf(lines[10], ' Yes').includes('constant.language.verbalizer.ftlab'));
  assert.ok(scopesOf(lines[10], ' No').includes('constant.language.verbalizer.ftlab'));
  assert.ok(scopesOf(lines[10], 'contradiction').includes('entity.name.tag.label.ftlab'));
  // `separator` is a sibling of `verbalizers`, not inside it.
  assert.ok(!scopesOf(lines[8], 'separator').includes('meta.verbalizers.ftlab'));
  assert.ok(!scopesOf(lines[8], ' ').includes('constant.language.verbalizer.ftlab'));
});

test('the rest is YAML: keys, comments, numbers', async () => {
  const lines = (await loadGrammar(experimentGrammar))(experiment);
  assert.ok(scopesOf(lines[0], 'name').includes('entity.name.tag.yaml'));
  assert.ok(scopesOf(lines[0], ' a comment').includes('comment.line.number-sign.yaml'));
  assert.ok(scopesOf(lines[1], '16').includes('constant.numeric.yaml'));
  assert.ok(scopesOf(lines[14], '1.0e-5').includes('constant.numeric.yaml'));
  assert.ok(scopesOf(lines[14], 'lr').includes('entity.name.tag.yaml'));
});

test('the pattern-file grammar marks placeholders and escapes in plain text', async () => {
  const [line] = (await loadGrammar(patternGrammar))('{premise} question: {hypothesis} {{x}} {}');
  assert.ok(scopesOf(line, 'premise').includes('variable.other.placeholder.ftlab'));
  assert.ok(scopesOf(line, ' question: ').every((s) => s === 'source.ftlab-pattern'));
  assert.ok(scopesOf(line, '{{').includes('constant.character.escape.brace.ftlab'));
  assert.ok(scopesOf(line, '{}').includes('invalid.illegal.placeholder.ftlab'));
});
