// In-context learning prompt formats, as used by Mosbach et al. 2023 ("Few-shot Fine-tuning vs.
// In-context Learning", arXiv:2305.16938) in their code, uds-lsv/llmft (eval_utils.py,
// create_few_shot_context; eval.py, preprocess_function; scripts/in_context/*/run_*.sh).
//
// A format is a pattern, a target prefix (text between the input and the label word), a verbalizer
// per label, and a separator that follows every demonstration. The prompt is
//
//   demo_1 + sep + demo_2 + sep + … + demo_k + sep + query
//   query  = pattern(fields) + targetPrefix without trailing whitespace
//   demo_i = query(demo_i) + verbalizer(label_i)
//
// and the model scores the verbalizer tokens as the next token after the query. Example (MNLI,
// "gpt-3" format, one demonstration, separator "\n\n"):
//
//   The cat sat. question: A cat sat. Yes or No? answer: Yes
//
//   It rained. question: It was dry. Yes or No? answer:          ← scored: " Yes" vs " No"
//
// Two deliberate differences from llmft's code, both about the query only:
//   - llmft appends " " + targetPrefix.strip() to the query, which leaves the "minimal" query ending in
//     a bare space before " Yes" is scored, and turns eval-harness's "\nAnswer:" into " Answer:". Here
//     the query ends exactly as the demonstrations do before their label word, so the scored token
//     continues the text the same way the demonstrations showed.
//   - The scripts pass separators and "\n" inside patterns as bash double-quoted strings ("\n\n"),
//     which reach Python as backslash-n characters; the paper's formats mean line breaks, and that is
//     what they are here.

import type { Example } from './example';
import { parsePattern, PatternError, renderPattern, type ParsedPattern } from './pattern';
import { verbalizerList, type VerbalizerMap } from './verbalizer';

export type IclFormatName = 'minimal' | 'gpt-3' | 'eval-harness';
export const ICL_FORMAT_NAMES: readonly IclFormatName[] = ['minimal', 'gpt-3', 'eval-harness'];

export interface IclFormat {
  pattern: string;
  targetPrefix: string;
  verbalizers: VerbalizerMap;
  separator: string;
}

export interface FittedPrompt {
  text: string;
  /** Demonstrations kept (the last ones of the list: the ones nearest the query). */
  demonstrationsUsed: number;
  /** Demonstrations dropped from the front to fit the length limit. */
  dropped: number;
  /** False when even the query alone is too long; the caller must truncate the query itself. */
  fits: boolean;
}

/** Renders prompts of one format for one task's labels. */
export class IclRenderer {
  private readonly parsed: ParsedPattern;
  private readonly words: string[];
  private readonly prefix: string;

  constructor(readonly format: IclFormat, labelNames: readonly string[]) {
    this.parsed = parsePattern(format.pattern);
    if (this.parsed.errors.length > 0) {
      throw new PatternError(`invalid ICL pattern ${JSON.stringify(format.pattern)}: ${this.parsed.errors.map((e) => e.message).join('; ')}`, this.parsed.errors);
    }
    this.words = verbalizerList(labelNames, format.verbalizers);
    this.prefix = format.targetPrefix.trimEnd();
  }

  /** The verbalizers in label-index order (the tokens to score after the query). */
  get verbalizers(): readonly string[] {
    return this.words;
  }

  query(fields: Readonly<Record<string, string>>): string {
    return renderPattern(this.parsed, fields) + this.prefix;
  }

  demonstration(example: Example): string {
    const word = this.words[example.label];
    if (word === undefined) throw new Error(`demonstration label ${example.label} has no verbalizer`);
    return this.query(example.fields) + word;
  }

  prompt(demonstrations: readonly Example[], queryFields: Readonly<Record<string, string>>): string {
    return demonstrations.map((d) => this.demonstration(d) + this.format.separator).join('') + this.query(queryFields);
  }

  /**
   * The prompt with as many demonstrations as fit in `maxTokens` (as counted by the caller's
   * tokenizer, special tokens included), dropping demonstrations from the front. Binary search, so a
   * k-demonstration context costs O(log k) tokenizations.
   */
  fit(
    demonstrations: readonly Example[],
    queryFields: Readonly<Record<string, string>>,
    maxTokens: number,
    countTokens: (text: string) => number,
  ): FittedPrompt {
    const rendered = demonstrations.map((d) => this.demonstration(d) + this.format.separator);
    const query = this.query(queryFields);
    const textDropping = (dropped: number): string => rendered.slice(dropped).join('') + query;
    const fitsDropping = (dropped: number): boolean => countTokens(textDropping(dropped)) <= maxTokens;

    if (fitsDropping(0)) return { text: textDropping(0), demonstrationsUsed: rendered.length, dropped: 0, fits: true };
    if (!fitsDropping(rendered.length)) return { text: query, demonstrationsUsed: 0, dropped: rendered.length, fits: false };
    let tooFew = 0; // dropping this many does not fit
    let enough = rendered.length; // dropping this many fits
    while (enough - tooFew > 1) {
      const mid = (tooFew + enough) >> 1;
      if (fitsDropping(mid)) enough = mid;
      else tooFew = mid;
    }
    return { text: textDropping(enough), demonstrationsUsed: rendered.length - enough, dropped: enough, fits: true };
  }
}
