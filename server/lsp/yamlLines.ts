// One line of a YAML file as completion reads it: indentation, list markers, and a `key:` with
// what follows it on the line. Linear in the line's length whatever it holds.

export interface LineShape {
  blank: boolean;
  /** Column of the first character that is not a space. */
  indent: number;
  /** Columns of `- ` list markers at the start. */
  dashes: number[];
  /** Column of what follows the indentation and markers. */
  contentCol: number;
  key?: string;
  /** Column just past the key's `:`. */
  colonEnd?: number;
  /** Text after `key:` without a trailing comment, trimmed. */
  inline?: string;
}

const QUOTED_KEY = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)')[ \t]*:(?=[ \t]|$)/;

/**
 * `key:` at the start of `content`: the key and the length through its colon. Plain keys end at the
 * first `: ` (or a `:` ending the line); found by a scan, not a backtracking regex, because a
 * hostile line of 100,000 characters must cost one pass.
 */
export function readKey(content: string): { key: string; length: number } | undefined {
  const quoted = QUOTED_KEY.exec(content);
  if (quoted) return { key: quoted[1] ?? quoted[2].replace(/''/g, "'"), length: quoted[0].length };
  if (content === '' || /[\s#"'[\]{},]/.test(content[0])) return undefined;
  for (let i = 1; i < content.length; i++) {
    const ch = content[i];
    if (ch === '#' && /[ \t]/.test(content[i - 1])) return undefined; // a comment before any colon
    if (ch === ':' && (i + 1 === content.length || content[i + 1] === ' ' || content[i + 1] === '\t')) {
      return { key: content.slice(0, i).trimEnd(), length: i + 1 };
    }
  }
  return undefined;
}

export function shapeOf(line: string): LineShape {
  let col = 0;
  while (col < line.length && line[col] === ' ') col++;
  const indent = col;
  const dashes: number[] = [];
  while (line[col] === '-' && (col + 1 === line.length || line[col + 1] === ' ')) {
    dashes.push(col);
    col++;
    while (line[col] === ' ') col++;
  }
  const content = line.slice(col);
  if (content.trim() === '' && dashes.length === 0) return { blank: true, indent, dashes, contentCol: col };
  if (content.startsWith('#') && dashes.length === 0) return { blank: true, indent, dashes, contentCol: col };
  const match = readKey(content);
  if (!match) return { blank: false, indent, dashes, contentCol: col };
  const key = match.key;
  const colonEnd = col + match.length;
  const inline = stripComment(line.slice(colonEnd)).trim();
  return { blank: false, indent, dashes, contentCol: col, key, colonEnd, inline };
}

function stripComment(text: string): string {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (quote === '"' && ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]))) return text.slice(0, i);
  }
  return text;
}

/** A key whose value continues on the next lines (a nested block, or a block scalar). */
export const opensBlock = (l: LineShape) => l.key !== undefined && (l.inline === '' || isBlockScalarHeader(l.inline) || /^[&!]\S*$/.test(l.inline ?? ''));
export const isBlockScalarHeader = (inline: string | undefined) => /^[|>][-+0-9]*$/.test(inline ?? '');
