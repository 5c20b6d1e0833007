// The YAML parse of the text that completion, hover and quick fixes last looked at, kept for the
// next request about the same text. Editors ask several of them about one version in a row (a
// hover, a completion, its re-filtering, the quick fixes of the line), and parsing a file near the
// 256 KB limit takes hundreds of milliseconds each time. Keyed by the text itself, not by URI and
// version: a document closed and reopened starts again at version 1 with other text.
import type { Document } from 'yaml';
import { documentFacts, type DocumentFacts } from './documentFacts';
import { parseForFeatures } from './yamlLocate';

interface Entry {
  text: string;
  doc: Document.Parsed | undefined;
  facts?: DocumentFacts;
}

let last: Entry | undefined;

function entryFor(text: string): Entry {
  // The editor hands over the same string object for the same version, so this is mostly a pointer
  // comparison; two different strings are compared natively, far below the cost of a parse.
  if (last?.text !== text) last = { text, doc: parseForFeatures(text) };
  return last;
}

/** The parsed document, or undefined for text the language features do not look into (see parseForFeatures). */
export function parsedText(text: string): Document.Parsed | undefined {
  return entryFor(text).doc;
}

/** What completion and hover need to know about the file (its tasks, custom tasks' fields and labels). */
export function factsOfText(text: string): DocumentFacts {
  const entry = entryFor(text);
  return (entry.facts ??= documentFacts(entry.doc));
}
