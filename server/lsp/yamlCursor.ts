// Where the cursor is in a YAML file that is being typed, read from indentation rather than from a
// parse (a half-typed line such as `  trai` or `methods: [vanilla, lo` is exactly when completion
// is asked for, and the parser's reading of it is not what the user means). The answer is a key
// path plus whether a key or a value is being typed. Block style and single-line flow collections
// are understood; that is what experiment files use.

import { LazyLines } from './lazyLines';
import { isBlockScalarHeader, opensBlock, readKey, shapeOf, type LineShape } from './yamlLines';

export type Path = (string | number)[];

export type CursorContext =
  | {
      kind: 'key';
      /** Path of the mapping the key goes into. */
      parent: Path;
      /** Offsets of the word being typed (replaced by the completion). */
      start: number;
      end: number;
      /** Keys the mapping already has. */
      siblings: Set<string>;
      /** A `:` already follows the word (only the name is inserted then). */
      colonFollows: boolean;
      /** Inside `{ … }` on one line. */
      flow: boolean;
    }
  | {
      kind: 'value';
      /** Path of the value (a list item's path ends with its index). */
      path: Path;
      start: number;
      end: number;
      /** The value's text from its start to the cursor (without an opening quote). */
      typed: string;
      quote?: '"' | "'";
      /** The cursor is right after `key:` with no space yet. */
      needsSpace: boolean;
      /** A list item could also be a mapping (`- data: 1`): its keys are possible too. */
      itemKeys?: { siblings: Set<string> };
    };

interface Ancestry {
  path: Path;
  /** The line is content of a `key: |` block scalar. */
  inBlockScalar: boolean;
}

/**
 * The path of the node that starts at `startCol` on the line starting at `lineStart` (a list item
 * when `startDash`), from the lines above. Lines nested deeper than the node, and lines level with
 * it that are no list item, cannot change the path: they are passed over without being shaped.
 */
function ancestry(lines: LazyLines, lineStart: number, startCol: number, startDash: boolean): Ancestry | undefined {
  const path: Path = [];
  let col = startCol;
  let dashItem = startDash;
  let inBlockScalar = false;
  let first = true;
  const enter = (l: LineShape) => {
    path.unshift(l.key!);
    if (first && isBlockScalarHeader(l.inline)) inBlockScalar = true;
    first = false;
    // A key after list markers belongs to the mapping inside those items.
    for (let i = 0; i < l.dashes.length; i++) path.unshift(0);
    col = l.dashes.length > 0 ? l.dashes[0] : l.contentCol;
    dashItem = l.dashes.length > 0;
  };
  for (let r = lines.above(lineStart); r >= 0; r = lines.above(r)) {
    const indent = lines.indent(r);
    if (indent > col) continue;
    // Level with a mapping's keys and no list marker: a sibling key, a blank or comment line, or
    // text of a block scalar; each is passed over below too.
    if ((indent === col && !dashItem && !lines.dashAfterIndent(r)) || lines.blank(r)) continue;
    const l = lines.shape(r);
    if (dashItem) {
      if (l.dashes[0] === col) continue; // an earlier item of the same list
      if (l.key !== undefined && l.contentCol <= col && opensBlock(l)) {
        enter(l);
        continue;
      }
      return undefined;
    }
    if (l.key !== undefined && l.contentCol === col) {
      // A sibling key. After list markers, the mapping is an item of a list: continue from the marker.
      if (l.dashes.length > 0) {
        for (let i = 0; i < l.dashes.length; i++) path.unshift(0);
        first = false;
        col = l.dashes[0];
        dashItem = true;
      }
      continue;
    }
    if (l.key !== undefined && l.contentCol < col && opensBlock(l)) {
      enter(l);
      continue;
    }
    if (first && l.key !== undefined && l.contentCol < col) return undefined; // under a key with an inline value
    if (l.contentCol === col) continue; // text lines of a block scalar, or items we cannot read
    return undefined;
  }
  return { path, inBlockScalar };
}

/** Keys already in the mapping whose keys start at `col` around the line starting at `lineStart`. */
function siblingKeys(lines: LazyLines, lineStart: number, col: number): Set<string> {
  const keys = new Set<string>();
  const addKeyAt = (r: number) => {
    const key = lines.keyAt(r);
    if (key !== undefined) keys.add(key);
  };
  for (let r = lines.above(lineStart); r >= 0; r = lines.above(r)) {
    const indent = lines.indent(r);
    if (indent > col || lines.blank(r)) continue;
    if (indent === col && !lines.dashAfterIndent(r)) {
      addKeyAt(r); // a sibling, or a line of text level with them: the walk goes on either way
      continue;
    }
    const l = lines.shape(r);
    if (l.key !== undefined && l.contentCol === col) keys.add(l.key);
    if (l.dashes.length > 0 || l.contentCol < col) break; // the first key of a list item, or the parent
  }
  for (let r = lines.below(lineStart); r >= 0; r = lines.below(r)) {
    const indent = lines.indent(r);
    if (indent > col || lines.blank(r)) continue;
    if (indent < col || (lines.dashAfterIndent(r) && lines.shape(r).dashes.length > 0)) break;
    addKeyAt(r);
  }
  return keys;
}

const WORD = /[A-Za-z0-9_.\/-]*/y;

/** The completion context at `offset`, or undefined where nothing sensible can be offered. */
export function cursorContext(text: string, offset: number): CursorContext | undefined {
  const lines = new LazyLines(text);
  const lineStart = lines.startOf(offset);
  const lineEndAt = text.indexOf('\n', offset);
  const lineEnd = lineEndAt < 0 ? text.length : lineEndAt;
  const before = text.slice(lineStart, offset);
  const after = text.slice(offset, lineEnd);
  const here = shapeOf(before);
  const blank = here.blank && !before.trimStart().startsWith('#');
  const col = blank ? before.length : here.indent;

  // Text of a `key: |` block scalar (a multi-line pattern), whatever it looks like.
  const block = ancestry(lines, lineStart, col, false);
  if (block?.inBlockScalar) {
    return { kind: 'value', path: block.path, start: lineStart + col, end: offset, typed: before.slice(col), needsSpace: false };
  }

  if (here.dashes.length === 0 && here.key === undefined) {
    // A bare word (or nothing) on the line: a key is being typed.
    if (before.slice(col).includes('#')) return undefined;
    const found = block;
    if (!found) return undefined;
    const word = wordAfter(after);
    return {
      kind: 'key',
      parent: found.path,
      start: lineStart + col,
      end: offset + word.length,
      siblings: siblingKeys(lines, lineStart, col),
      colonFollows: after.slice(word.length).trimStart().startsWith(':'),
      flow: false,
    };
  }

  let path: Path;
  if (here.dashes.length > 0) {
    const found = ancestry(lines, lineStart, here.dashes[0], true);
    if (!found) return undefined;
    path = [...found.path, ...here.dashes.map(() => 0)];
  } else {
    if (!block) return undefined;
    path = block.path;
  }

  if (here.key === undefined) {
    // `- word`: a list item's value, or the first key of a mapping item.
    const typed = before.slice(here.contentCol);
    if (typed.includes('#')) return undefined;
    return {
      kind: 'value',
      path,
      ...scalarAt(lineStart + here.contentCol, typed, offset, after),
      needsSpace: false,
      itemKeys: { siblings: siblingKeys(lines, lineStart, here.contentCol) },
    };
  }

  const valuePath = [...path, here.key];
  const rawValue = before.slice(here.colonEnd);
  const valueCol = here.colonEnd! + (rawValue.length - rawValue.trimStart().length);
  const value = before.slice(valueCol);
  const needsSpace = rawValue.length === 0;
  if (value.startsWith('[') || value.startsWith('{')) return flowContext(valuePath, lineStart + valueCol, value, offset, after);
  if (isBlockScalarHeader(value) || /(^|\s)#/.test(value)) return undefined;
  return { kind: 'value', path: valuePath, ...scalarAt(lineStart + valueCol, value, offset, after), needsSpace };
}

/** A plain or quoted scalar from `start` (offset) whose text up to the cursor is `typed`. */
function scalarAt(start: number, typed: string, offset: number, after: string) {
  const quote = typed[0] === '"' || typed[0] === "'" ? (typed[0] as '"' | "'") : undefined;
  if (quote) {
    const close = after.indexOf(quote);
    return { start: start + 1, end: close < 0 ? offset : offset + close, typed: typed.slice(1), quote };
  }
  return { start, end: offset + wordAfter(after).length, typed };
}

/** Inside `[a, b` or `{a: 1, b` on one line: the item (or key, or value) at the cursor. */
function flowContext(path: Path, start: number, value: string, offset: number, after: string): CursorContext | undefined {
  let quote = '';
  let segment = 0; // index in `value` where the current item starts
  let depth = 0;
  const earlier: string[] = []; // the items before the current one
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quote) {
      if (quote === '"' && ch === '\\') i++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '{') {
      depth++;
      segment = i + 1;
    } else if (ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) return undefined; // the collection is closed before the cursor
    } else if (ch === ',' && depth === 1) {
      earlier.push(value.slice(segment, i).trim());
      segment = i + 1;
    }
  }
  if (depth !== 1) return undefined;
  const item = value.slice(segment);
  const lead = item.length - item.trimStart().length;
  const itemStart = start + segment + lead;
  const typed = item.trimStart();
  if (value[0] === '[') {
    return { kind: 'value', path: [...path, 0], ...scalarAt(itemStart, typed, offset, after), needsSpace: false };
  }
  const key = readKey(typed);
  if (!key) {
    const word = wordAfter(after);
    const siblings = new Set(earlier.flatMap((item) => readKey(item)?.key ?? []));
    return { kind: 'key', parent: path, start: itemStart, end: offset + word.length, siblings, colonFollows: false, flow: true };
  }
  const name = key.key;
  const rest = typed.slice(key.length);
  const restLead = rest.length - rest.trimStart().length;
  return {
    kind: 'value',
    path: [...path, name],
    ...scalarAt(itemStart + key.length + restLead, rest.trimStart(), offset, after),
    needsSpace: rest.length === 0,
  };
}

function wordAfter(after: string): string {
  // One native match rather than a test per character: the rest of the line may be megabytes long.
  WORD.lastIndex = 0;
  return WORD.exec(after)![0];
}
