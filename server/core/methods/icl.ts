// In-context learning: no training. Each query gets k demonstrations per class (balanced, drawn
// from the trial's few-shot sample with the data seed, a fresh draw per query), rendered in the
// chosen format; the class is the verbalizer with the highest LM logit after the prompt. A prompt
// longer than the context limit drops demonstrations from the front; those queries are counted.
import type { Example } from '../data/example';
import { IclRenderer, type IclFormat } from '../data/iclFormat';
import { sampleDemonstrations } from '../data/sampling';
import type { TextTokenizer } from '../tokenizer';
import { truncateKeepEnd } from './encode';

export interface IclPrompts {
  sequences: number[][];
  /** Queries that lost at least one demonstration to the length limit. */
  truncated: number;
  verbalizers: readonly string[];
}

export interface IclSetup {
  format: IclFormat;
  labelNames: readonly string[];
  /** The trial's few-shot sample: the pool demonstrations come from. */
  pool: readonly Example[];
  perClass: number;
  dataSeed: number;
  tokenizer: TextTokenizer;
  /** Context limit in tokens (BOS included). */
  maxTokens: number;
}

export function buildIclPrompts(queries: readonly Example[], s: IclSetup): IclPrompts {
  const renderer = new IclRenderer(s.format, s.labelNames);
  const count = (text: string) => s.tokenizer.encode(text).length;
  let truncated = 0;
  const sequences = queries.map((q, i) => {
    const demos = sampleDemonstrations(s.pool, {
      numLabels: s.labelNames.length,
      perClass: s.perClass,
      seed: s.dataSeed,
      stream: `icl-query-${i}`,
      labelNames: s.labelNames,
    }).examples;
    const fitted = renderer.fit(demos, q.fields, s.maxTokens, count);
    if (fitted.dropped > 0) truncated++;
    // A query that is too long even alone keeps its end (where the answer is read).
    return truncateKeepEnd(s.tokenizer.encode(fitted.text), s.maxTokens, s.tokenizer.bosId).tokens;
  });
  return { sequences, truncated, verbalizers: renderer.verbalizers };
}

/** The teacher's context for distillation: demonstrations (excluding the example) or an instruction. */
export function teacherPrompt(
  example: Example,
  index: number,
  s: IclSetup & { instruction?: string; context: 'demonstrations' | 'instruction' },
): number[] {
  const renderer = new IclRenderer(s.format, s.labelNames);
  let text: string;
  if (s.context === 'instruction') {
    if (!s.instruction) throw new Error('distill: context "instruction" needs an instruction text');
    text = s.instruction + s.format.separator + renderer.query(example.fields);
  } else {
    const demos = sampleDemonstrations(s.pool, {
      numLabels: s.labelNames.length,
      perClass: s.perClass,
      seed: s.dataSeed,
      excludeIndex: index,
      stream: `distill-teacher-${index}`,
      labelNames: s.labelNames,
    }).examples;
    text = renderer.fit(demos, example.fields, s.maxTokens, (t) => s.tokenizer.encode(t).length).text;
  }
  return truncateKeepEnd(s.tokenizer.encode(text), s.maxTokens, s.tokenizer.bosId).tokens;
}
