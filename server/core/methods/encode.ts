// Text to token ids for training and evaluation, with truncation to the sequence limit.
// Pattern-based inputs are scored at their last token, so when they are too long the *front* of
// the input is dropped (after BOS) and the pattern's end survives; plain inputs for a
// classification head keep their beginning, as Hugging Face's truncation does.
import type { TextTokenizer } from '../tokenizer';

export interface EncodedText {
  tokens: number[];
  /** Tokens dropped to fit the limit. */
  truncated: number;
}

export function truncateKeepEnd(ids: readonly number[], maxLength: number, bosId: number | undefined): EncodedText {
  if (ids.length <= maxLength) return { tokens: [...ids], truncated: 0 };
  const hasBos = bosId !== undefined && ids[0] === bosId;
  const head = hasBos ? [ids[0]] : [];
  const tail = ids.slice(ids.length - (maxLength - head.length));
  return { tokens: [...head, ...tail], truncated: ids.length - maxLength };
}

export function truncateKeepStart(ids: readonly number[], maxLength: number): EncodedText {
  if (ids.length <= maxLength) return { tokens: [...ids], truncated: 0 };
  return { tokens: ids.slice(0, maxLength), truncated: ids.length - maxLength };
}

/** Plain fields: one field as is, two as a sentence pair (`</s> A </s> B`, OPT's pair template). */
export function encodeFields(tokenizer: TextTokenizer, fieldValues: readonly string[], maxLength: number): EncodedText {
  const [first, second] = fieldValues;
  const ids = second === undefined ? tokenizer.encode(first) : tokenizer.encode(first, { pair: fieldValues.slice(1).join(' ') });
  return truncateKeepStart(ids, maxLength);
}
