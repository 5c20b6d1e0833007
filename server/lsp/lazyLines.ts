// The lines of a document as completion walks them: from the cursor's line up to its ancestors and
// out to its siblings, each line found and shaped only when the walk reaches it. Splitting and
// shaping every line per request made completion in a 10 MB file take seconds, although the answer
// depends on a handful of lines near the cursor. Lines are named by the offset they start at.

import { readKey, shapeOf, type LineShape } from './yamlLines';

export class LazyLines {
  constructor(private readonly text: string) {}

  /** Start of the line holding `offset`. */
  startOf(offset: number): number {
    return offset <= 0 ? 0 : this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  /** Start of the line above the one starting at `start`; -1 above the first line. */
  above(start: number): number {
    if (start <= 0) return -1;
    // text[start - 1] is the newline ending the line above; its start follows the newline before.
    // A loop, not lastIndexOf: lines are mostly short, and the call costs more than the scan.
    let i = start - 2;
    while (i >= 0 && this.text.charCodeAt(i) !== 0x0a) i--;
    return i + 1;
  }

  /** Start of the line below the one starting at `start`; -1 below the last line. */
  below(start: number): number {
    const newline = this.text.indexOf('\n', start);
    return newline < 0 ? -1 : newline + 1;
  }

  /** Spaces at the start of the line: enough to pass over lines nested deeper, without shaping them. */
  indent(start: number): number {
    let i = start;
    while (this.text.charCodeAt(i) === 0x20) i++;
    return i - start;
  }

  /** Whether the line's first character after its indentation is `-` (a list marker, maybe). */
  dashAfterIndent(start: number): boolean {
    return this.text[start + this.indent(start)] === '-';
  }

  /**
   * Whether the line is blank or a comment as shapeOf reads it, decided from its first characters
   * where they settle it; a line whose first non-space is `-` or other white space is shaped.
   */
  blank(start: number): boolean {
    const c = this.text[start + this.indent(start)];
    if (c === undefined || c === '\n' || c === '#') return true;
    if (c === '-' || /\s/.test(c)) return this.shape(start).blank;
    return false;
  }

  /** Not kept: a walk shapes each line at most once or twice, and keeping them cost more than that. */
  shape(start: number): LineShape {
    return shapeOf(this.line(start, 0));
  }

  /**
   * The `key:` of a line without list markers, as its shape would hold it, without the rest of the
   * shape: a mapping's sibling keys are read this way, and a mapping may have a million of them.
   */
  keyAt(start: number): string | undefined {
    return readKey(this.line(start, this.indent(start)))?.key;
  }

  /** The line's text from column `col`, without its line break. */
  private line(start: number, col: number): string {
    const newline = this.text.indexOf('\n', start);
    const line = this.text.slice(start + col, newline < 0 ? this.text.length : newline);
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  }
}
