// Files the language-feature tests need outside the repo: a local OPT model folder (OPT-125m's
// config.json and the real OPT tokenizer files from data/opt), a Hugging Face cache holding that
// model under a Hub id, and empty caches. Everything goes into fresh temp folders.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './serverProcess';

export function tempDir(prefix = 'ftlab-lsp-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

const OPT_FILES: [from: string, to: string][] = [
  [join('data', 'opt', 'opt-125m', 'config.json'), 'config.json'],
  [join('data', 'opt', 'vocab.json'), 'vocab.json'],
  [join('data', 'opt', 'merges.txt'), 'merges.txt'],
];

/** A model folder with OPT-125m's config and tokenizer (no weights: the checks never read them). */
export function makeOptFolder(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const [from, to] of OPT_FILES) copyFileSync(join(repoRoot, from), join(dir, to));
  return dir;
}

/** A Hugging Face cache (models--org--name/refs/main + snapshots/<hash>/…) holding an OPT tokenizer under each id. */
export function makeHubCache(...ids: string[]): string {
  const cache = tempDir('ftlab-hf-');
  const commit = 'a'.repeat(40);
  for (const id of ids) {
    const repo = join(cache, `models--${id.split('/').join('--')}`);
    mkdirSync(join(repo, 'refs'), { recursive: true });
    writeFileSync(join(repo, 'refs', 'main'), commit);
    makeOptFolder(join(repo, 'snapshots', commit));
  }
  return cache;
}

export const fileUri = (path: string) => pathToFileURL(path).toString();

/** The LSP range of the `occurrence`-th (0-based) appearance of `needle` in `text`. */
export function rangeOf(text: string, needle: string, occurrence = 0) {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${JSON.stringify(needle)} occurs fewer than ${occurrence + 1} times`);
  }
  return { start: positionOf(text, at), end: positionOf(text, at + needle.length) };
}

/** The range of `needle` inside the first appearance of `context` (e.g. the `0` of `n: [0, 2.5]`). */
export function rangeIn(text: string, context: string, needle: string) {
  const at = text.indexOf(context);
  const inner = context.indexOf(needle);
  if (at < 0 || inner < 0) throw new Error(`${JSON.stringify(needle)} in ${JSON.stringify(context)} not found`);
  return { start: positionOf(text, at + inner), end: positionOf(text, at + inner + needle.length) };
}

export function positionOf(text: string, offset: number) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** Text with `§` marking the cursor → the text without it and the cursor's position. */
export function withCursor(marked: string) {
  const offset = marked.indexOf('§');
  if (offset < 0) throw new Error('no § cursor in the text');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return { text, position: positionOf(text, offset) };
}

interface Edit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}

/** Applies non-overlapping text edits, as an editor would. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const offsetOf = ({ line, character }: { line: number; character: number }) => {
    let offset = 0;
    for (let i = 0; i < line; i++) offset = text.indexOf('\n', offset) + 1;
    return offset + character;
  };
  const sorted = [...edits].sort((a, b) => offsetOf(b.range.start) - offsetOf(a.range.start));
  let out = text;
  for (const edit of sorted) out = out.slice(0, offsetOf(edit.range.start)) + edit.newText + out.slice(offsetOf(edit.range.end));
  return out;
}
