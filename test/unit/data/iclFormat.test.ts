import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Example } from '../../../server/core/data/example';
import { ICL_FORMAT_NAMES, IclRenderer } from '../../../server/core/data/iclFormat';
import { checkPattern } from '../../../server/core/data/pattern';
import { checkVerbalizer } from '../../../server/core/data/verbalizer';
import { BUILTIN_TASK_NAMES, TASKS } from '../../../server/core/data/tasks';

const labels = TASKS.mnli.labelNames; // entailment 0, contradiction 1
const demos: Example[] = [
  { fields: { premise: 'The cat sat.', hypothesis: 'A cat sat.' }, label: 0 },
  { fields: { premise: 'It rained.', hypothesis: 'It was dry.' }, label: 1 },
];
const query = { premise: 'He ran.', hypothesis: 'He moved.' };

test('MNLI formats render as in llmft: demonstrations, separators, query', () => {
  const icl = TASKS.mnli.prompting.icl;
  assert.equal(
    new IclRenderer(icl.minimal, labels).prompt(demos, query),
    'The cat sat. A cat sat. ? Yes\n\nIt rained. It was dry. ? No\n\nHe ran. He moved. ?',
  );
  assert.equal(
    new IclRenderer(icl['gpt-3'], labels).prompt(demos, query),
    'The cat sat. question: A cat sat. Yes or No? answer: Yes\n\nIt rained. question: It was dry. Yes or No? answer: No\n\nHe ran. question: He moved. Yes or No? answer:',
  );
  assert.equal(
    new IclRenderer(icl['eval-harness'], labels).prompt(demos, query),
    'The cat sat. \nQuestion: A cat sat. True or False?\nAnswer: True\n\nIt rained. \nQuestion: It was dry. True or False?\nAnswer: False\n\nHe ran. \nQuestion: He moved. True or False?\nAnswer:',
  );
});

test('CoLA minimal separates demonstrations by a space; a zero-shot prompt is the query alone', () => {
  const r = new IclRenderer(TASKS.cola.prompting.icl.minimal, TASKS.cola.labelNames);
  const cola: Example[] = [
    { fields: { sentence: 'Bill laughed.' }, label: 1 },
    { fields: { sentence: 'The laughed Bill.' }, label: 0 },
  ];
  assert.equal(r.prompt(cola, { sentence: 'She left.' }), 'Bill laughed. ? Yes The laughed Bill. ? No She left. ?');
  assert.equal(r.prompt([], { sentence: 'She left.' }), 'She left. ?');
  assert.deepEqual(r.verbalizers, [' No', ' Yes']);
});

test('every demonstration is its query followed by the verbalizer the model is scored on', () => {
  for (const name of BUILTIN_TASK_NAMES) {
    for (const format of ICL_FORMAT_NAMES) {
      const task = TASKS[name];
      const r = new IclRenderer(task.prompting.icl[format], task.labelNames);
      const fields = Object.fromEntries(task.fieldNames.map((f) => [f, `<${f}>`]));
      task.labelNames.forEach((_, label) => {
        assert.equal(r.demonstration({ fields, label }), r.query(fields) + r.verbalizers[label]);
      });
    }
  }
});

test('fit drops demonstrations from the front until the prompt fits, and reports the count', () => {
  const r = new IclRenderer(TASKS.mnli.prompting.icl.minimal, labels);
  const many: Example[] = Array.from({ length: 9 }, (_, i) => ({ fields: { premise: `p${i}`, hypothesis: `h${i}` }, label: i % 2 }));
  const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;
  const full = r.prompt(many, query);
  assert.deepEqual(r.fit(many, query, words(full), words), { text: full, demonstrationsUsed: 9, dropped: 0, fits: true });

  const limit = words(full) - 5; // each demonstration is 4 words: two must go
  const fitted = r.fit(many, query, limit, words);
  assert.equal(fitted.dropped, 2);
  assert.equal(fitted.text, r.prompt(many.slice(2), query));
  assert.ok(words(fitted.text) <= limit);

  const none = r.fit(many, query, 1, words);
  assert.deepEqual(none, { text: r.query(query), demonstrationsUsed: 0, dropped: 9, fits: false });
});

test('built-in defaults are consistent with their tasks', () => {
  for (const name of BUILTIN_TASK_NAMES) {
    const task = TASKS[name];
    const patterns = [task.prompting.pattern, ...ICL_FORMAT_NAMES.map((f) => task.prompting.icl[f].pattern)];
    for (const pattern of patterns) {
      assert.deepEqual(checkPattern(pattern, task.fieldNames), [], `${name}: ${pattern}`);
    }
    const verbalizers = [task.prompting.verbalizers, ...ICL_FORMAT_NAMES.map((f) => task.prompting.icl[f].verbalizers)];
    for (const v of verbalizers) assert.deepEqual(checkVerbalizer(task.labelNames, v), [], name);
  }
  // The study's PBFT defaults (llmft): MNLI " Yes"/" No", CoLA " No"/" Yes" in label order.
  assert.equal(TASKS.mnli.prompting.pattern, '{premise} {hypothesis} ?');
  assert.deepEqual(TASKS.mnli.prompting.verbalizers, { entailment: ' Yes', contradiction: ' No' });
  assert.equal(TASKS.cola.prompting.pattern, '{sentence} ?');
  assert.deepEqual(TASKS.cola.prompting.verbalizers, { unacceptable: ' No', acceptable: ' Yes' });
});

test('an invalid ICL pattern or verbalizer is rejected up front', () => {
  assert.throws(() => new IclRenderer({ pattern: '{premise', targetPrefix: ' ', verbalizers: { entailment: ' Yes', contradiction: ' No' }, separator: '\n' }, labels), /unclosed/);
  assert.throws(() => new IclRenderer({ pattern: '{premise}', targetPrefix: ' ', verbalizers: { entailment: ' Yes' }, separator: '\n' }, labels), /no verbalizer/);
});
