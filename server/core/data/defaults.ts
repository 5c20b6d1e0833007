// Default patterns, verbalizers and ICL formats of the built-in tasks, with where each comes from.
//
// Main source: uds-lsv/llmft (Mosbach et al. 2023), commit 3acc3894fa4111d9155190a98a147e3e664ff3da:
//   scripts/pattern_verbalizer_ft/cola/run.sh   --pattern "{text1} ?"        --target_tokens "ĠNo,ĠYes"
//   scripts/pattern_verbalizer_ft/mnli/run.sh   --pattern "{text1} {text2} ?" --target_tokens "ĠYes,ĠNo"
//   scripts/in_context/cola/run_minimal.sh      minimal and gpt-3 formats for CoLA
//   scripts/in_context/mnli/run_*.sh            minimal, gpt-3 and eval-harness formats for MNLI
// llmft's {text1}/{text2} are our {sentence} (CoLA) and {premise}/{hypothesis} (MNLI); its target
// tokens are listed in label-index order, and "Ġ" is the BPE mark of a leading space.
//
// Where llmft has no format (CoLA eval-harness; everything three-way, since the study binarizes
// MNLI), the source is named next to the entry.

import type { IclFormat, IclFormatName } from './iclFormat';
import type { VerbalizerMap } from './verbalizer';

export interface TaskPrompting {
  /** Pattern for pattern-based fine-tuning (and the teacher/student inputs of distillation). */
  pattern: string;
  verbalizers: VerbalizerMap;
  icl: Record<IclFormatName, IclFormat>;
}

const COLA_YES_NO: VerbalizerMap = { unacceptable: ' No', acceptable: ' Yes' };

export const COLA_PROMPTING: TaskPrompting = {
  // llmft pattern_verbalizer_ft/cola/run.sh
  pattern: '{sentence} ?',
  verbalizers: COLA_YES_NO,
  icl: {
    // llmft in_context/cola/run_minimal.sh (the format it runs): demonstrations separated by a space.
    //   "Bill laughed. ? Yes The laughed Bill. ? No She left. ?"
    minimal: { pattern: '{sentence} ?', targetPrefix: ' ', verbalizers: COLA_YES_NO, separator: ' ' },
    // llmft in_context/cola/run_minimal.sh, "gpt-3 format" comment.
    //   "grammatical: Bill laughed. Yes or No? answer: Yes\n\ngrammatical: She left. Yes or No? answer:"
    'gpt-3': { pattern: 'grammatical: {sentence} Yes or No?', targetPrefix: ' answer: ', verbalizers: COLA_YES_NO, separator: '\n\n' },
    // Not in llmft for CoLA: EleutherAI lm-evaluation-harness's GLUE CoLA task ("{sentence}\nQuestion:
    // Does this sentence make sense?\nAnswer:" scored with " yes"/" no"; few-shot examples joined by
    // a blank line).
    //   "Bill laughed.\nQuestion: Does this sentence make sense?\nAnswer: yes\n\nShe left.\nQuestion: …\nAnswer:"
    'eval-harness': {
      pattern: '{sentence}\nQuestion: Does this sentence make sense?',
      targetPrefix: '\nAnswer: ',
      verbalizers: { unacceptable: ' no', acceptable: ' yes' },
      separator: '\n\n',
    },
  },
};

const MNLI_YES_NO: VerbalizerMap = { entailment: ' Yes', contradiction: ' No' };
const MNLI_TRUE_FALSE: VerbalizerMap = { entailment: ' True', contradiction: ' False' };

export const MNLI_PROMPTING: TaskPrompting = {
  // llmft pattern_verbalizer_ft/mnli/run.sh
  pattern: '{premise} {hypothesis} ?',
  verbalizers: MNLI_YES_NO,
  icl: {
    // llmft in_context/mnli/run_minimal.sh
    //   "The cat sat. A cat sat. ? Yes\n\nIt rained. It was dry. ?"
    minimal: { pattern: '{premise} {hypothesis} ?', targetPrefix: ' ', verbalizers: MNLI_YES_NO, separator: '\n\n' },
    // llmft in_context/mnli/run_gpt3.sh
    //   "The cat sat. question: A cat sat. Yes or No? answer: Yes\n\nIt rained. question: It was dry. Yes or No? answer:"
    'gpt-3': { pattern: '{premise} question: {hypothesis} Yes or No?', targetPrefix: ' answer: ', verbalizers: MNLI_YES_NO, separator: '\n\n' },
    // llmft in_context/mnli/run_eval_harness.sh (the space before the line break is in the source)
    //   "The cat sat. \nQuestion: A cat sat. True or False?\nAnswer: True\n\nIt rained. \nQuestion: It was dry. True or False?\nAnswer:"
    'eval-harness': {
      pattern: '{premise} \nQuestion: {hypothesis} True or False?',
      targetPrefix: '\nAnswer: ',
      verbalizers: MNLI_TRUE_FALSE,
      separator: '\n\n',
    },
  },
};

// Three-way MNLI. Verbalizers from LM-BFF (Gao et al. 2021, princeton-nlp/LM-BFF run_experiment.sh:
// MNLI mapping {'contradiction':'No','entailment':'Yes','neutral':'Maybe'}), with llmft's patterns.
const MNLI3_YES_MAYBE_NO: VerbalizerMap = { entailment: ' Yes', neutral: ' Maybe', contradiction: ' No' };

export const MNLI_3WAY_PROMPTING: TaskPrompting = {
  pattern: '{premise} {hypothesis} ?',
  verbalizers: MNLI3_YES_MAYBE_NO,
  icl: {
    minimal: { pattern: '{premise} {hypothesis} ?', targetPrefix: ' ', verbalizers: MNLI3_YES_MAYBE_NO, separator: '\n\n' },
    // llmft's gpt-3 question extended by the third answer (our wording).
    'gpt-3': {
      pattern: '{premise} question: {hypothesis} Yes, No, or Maybe?',
      targetPrefix: ' answer: ',
      verbalizers: MNLI3_YES_MAYBE_NO,
      separator: '\n\n',
    },
    // lm-evaluation-harness's GLUE MNLI task: "…\nQuestion: {hypothesis} True, False or Neither?\nAnswer:"
    // scored with " True" / " Neither" / " False".
    'eval-harness': {
      pattern: '{premise}\nQuestion: {hypothesis} True, False or Neither?',
      targetPrefix: '\nAnswer: ',
      verbalizers: { entailment: ' True', neutral: ' Neither', contradiction: ' False' },
      separator: '\n\n',
    },
  },
};
