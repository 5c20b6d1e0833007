// How large a prompt pattern may be. A real pattern is a sentence or a paragraph around the
// example's fields (a few hundred bytes; an instruction with demonstrations a few KB), so 1 MiB is
// far beyond any of them. A pattern of megabytes is a data file opened as a pattern, or hostile
// input; scanning it costs time on every keystroke in the editor and on every example in training,
// and rendering it would fill the model's context with nothing but the pattern. It is refused with
// its size instead, whoever reads it: the language server for `*.ftlab-pattern` files, and
// parsePattern for a pattern from anywhere else.

export const MAX_PATTERN_BYTES = 1024 * 1024;

/** The pattern's size in UTF-8 bytes when it is over the limit; undefined when it is not. */
export function oversizedPatternBytes(text: string): number | undefined {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: most patterns are settled without counting.
  if (text.length * 3 <= MAX_PATTERN_BYTES) return undefined;
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > MAX_PATTERN_BYTES ? bytes : undefined;
}

/** `10.0 MiB (10485760 bytes)`: readable, and exact for whoever compares it with `ls -l`. */
export function formatPatternSize(bytes: number): string {
  const unit = bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
  return `${unit} (${bytes} bytes)`;
}

/** The limit as the messages state it. */
export const PATTERN_LIMIT_TEXT = formatPatternSize(MAX_PATTERN_BYTES);

/** The message for a pattern file over the limit: which file, how large, what the limit is. */
export function patternFileTooLargeMessage(fileName: string, bytes: number): string {
  return `Pattern file ${fileName} is ${formatPatternSize(bytes)}; pattern files are limited to ${PATTERN_LIMIT_TEXT}, so it was not checked.`;
}
