// What is under the cursor in a parsed experiment file: the key or scalar value at an offset, with
// its key path (numbers step into lists) and source offsets. Used by hover and quick fixes, which
// work on files the YAML parser can read; completion, which must work on half-typed lines, reads
// indentation instead (yamlCursor.ts).
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { DEFAULT_SOURCE_LIMITS } from '../core/experiment/yamlSource';

export type Path = (string | number)[];

export interface LocatedNode {
  path: Path;
  part: 'key' | 'value';
  /** Source offsets [start, end) of the key or scalar. */
  start: number;
  end: number;
  /** The scalar's value (for a key: the key text). */
  value: unknown;
}

/** The parsed document, or undefined for text the language features do not look into. */
export function parseForFeatures(text: string): Document.Parsed | undefined {
  // Same bound as the validator: larger files get no diagnostics beyond "too large", so no features.
  if (text.length > DEFAULT_SOURCE_LIMITS.maxChars) return undefined;
  try {
    return parseDocument(text, { uniqueKeys: false, merge: false, version: '1.2', prettyErrors: false });
  } catch {
    return undefined;
  }
}

interface Ranged {
  range?: readonly [number, number, number] | null;
}

const within = (node: unknown, offset: number, inclusiveEnd: boolean): boolean => {
  const range = (node as Ranged | null)?.range;
  if (!range) return false;
  return offset >= range[0] && (inclusiveEnd ? offset <= range[1] : offset < range[1]);
};

/** The key or scalar value at `offset` (a position just after a word counts as on it). */
export function locateAt(doc: Document.Parsed, offset: number): LocatedNode | undefined {
  return locateIn(doc.contents, [], offset, 0);
}

function locateIn(node: unknown, path: Path, offset: number, depth: number): LocatedNode | undefined {
  if (depth > 64) return undefined;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? pair.key : undefined;
      const name = key ? String(key.value) : undefined;
      if (key && name !== undefined && within(key, offset, true)) {
        return { path: [...path, name], part: 'key', start: key.range![0], end: key.range![1], value: name };
      }
      if (name === undefined) continue;
      const found = locateValue(pair.value, [...path, name], offset, depth);
      if (found) return found;
    }
    return undefined;
  }
  if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const found = locateValue(node.items[i], [...path, i], offset, depth);
      if (found) return found;
    }
  }
  return undefined;
}

function locateValue(value: unknown, path: Path, offset: number, depth: number): LocatedNode | undefined {
  if (isScalar(value) && within(value, offset, true)) {
    return { path, part: 'value', start: value.range![0], end: value.range![1], value: value.value };
  }
  if ((isMap(value) || isSeq(value)) && within(value, offset, true)) return locateIn(value, path, offset, depth + 1);
  return undefined;
}

/** The YAML node (mapping, list or scalar) at a key path, if the file has one. */
export function nodeAt(doc: Document.Parsed, path: Path): unknown {
  return doc.getIn(path, true);
}

/** The pair whose key is the last step of `path`, in the mapping at the path before it. */
export function pairAt(doc: Document.Parsed, path: Path): { key: unknown; value: unknown } | undefined {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const last = String(path[path.length - 1]);
  return parent.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === last) as { key: unknown; value: unknown } | undefined;
}
