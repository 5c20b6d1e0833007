// Which folders an experiment file may make the trainer read. An experiment file is data that can
// come from anywhere (a cloned repository, a colleague), and its model folders and data files are
// read — and their contents shown in errors — so a path in it must not reach outside the user's
// workspace unless the user said so. Allowed by default: the experiment's workspace (the git root
// above its file, else its folder), the program's shipped data/ and models/, and the Hugging Face
// cache. More folders come from the `ftlab.data.allowedRoots` setting, `--allowed-roots` or
// $FTLAB_ALLOWED_ROOTS. Paths are compared after resolving symbolic links, so a link inside the
// workspace that points outside it does not get through either.

import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ExperimentSpec } from '../../../protocol/experiment';
import { findDataRoot } from '../data/dataRoot';

export const ALLOWED_ROOTS_ENV = 'FTLAB_ALLOWED_ROOTS';

/** `a:b:c` (`;` on Windows) as $PATH is written; empty parts are dropped, `~` is the home folder. */
export function parseAllowedRoots(text: string | undefined): string[] {
  return (text ?? '').split(delimiter).map((p) => p.trim()).filter(Boolean).map(expandHome);
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith(`~${sep}`) || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/** The git work tree holding `folder` (nearest ancestor with .git), else the folder itself. */
export function workspaceRootOf(folder: string): string {
  for (let dir = resolve(folder); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return resolve(folder);
  }
}

export interface DefaultRootsInput {
  /** The experiment file's folder. */
  experimentDir: string;
  /** Where the program runs from (its bundle's folder); its shipped data/ and models/ are allowed. */
  programDir?: string;
  /** The Hugging Face cache folder in use. */
  hubCacheDir?: string;
}

export function defaultAllowedRoots(input: DefaultRootsInput): string[] {
  const roots = [workspaceRootOf(input.experimentDir)];
  const shippedData = input.programDir ? findDataRoot(input.programDir) : undefined;
  if (shippedData) roots.push(shippedData, join(dirname(shippedData), 'models'));
  if (input.hubCacheDir) roots.push(input.hubCacheDir);
  return roots;
}

/** The path with symbolic links resolved as far as it exists (the rest cannot be a link yet). */
function realPath(path: string): string {
  const absolute = resolve(path);
  let existing = absolute;
  const rest: string[] = [];
  while (!existsSync(existing)) {
    const parent = dirname(existing);
    if (parent === existing) return absolute;
    rest.unshift(basename(existing));
    existing = parent;
  }
  try {
    return join(realpathSync(existing), ...rest);
  } catch {
    return absolute;
  }
}

export function isInsideRoots(path: string, roots: readonly string[]): boolean {
  const real = realPath(path);
  return roots.some((root) => {
    const rel = relative(realPath(root), real);
    return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
  });
}

export interface PathOutsideRoots {
  kind: 'model' | 'data';
  /** The model's name as written, or `<task>.<train|eval|ood>`. */
  name: string;
  path: string;
}

/** The local model folders and custom data files of a spec that lie outside `roots`. */
export function pathsOutsideRoots(spec: ExperimentSpec, roots: readonly string[]): PathOutsideRoots[] {
  const outside: PathOutsideRoots[] = [];
  for (const model of spec.models) {
    if (model.source === 'local' && !isInsideRoots(model.location, roots)) outside.push({ kind: 'model', name: model.name, path: model.location });
  }
  for (const [task, custom] of Object.entries(spec.data.custom)) {
    const files = [['train', custom.train], ['eval', custom.evals[0]], ['ood', custom.evals[1]]] as const;
    for (const [part, file] of files) {
      if (file?.path && !isInsideRoots(file.path, roots)) outside.push({ kind: 'data', name: `${task}.${part}`, path: file.path });
    }
  }
  return outside;
}

/** The sentence every refusal ends with: what is allowed and how to allow more. */
export function allowedRootsHint(roots: readonly string[]): string {
  return `the folders an experiment may read are ${roots.join(', ')}; allow another with the ftlab.data.allowedRoots setting, --allowed-roots or $${ALLOWED_ROOTS_ENV}`;
}
