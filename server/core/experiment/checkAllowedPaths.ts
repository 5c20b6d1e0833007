// The check behind allowedRoots.ts, as diagnostics: a local model folder or a custom data file
// outside the folders this experiment may read is an error at the path in the file, so the editor
// shows it where it is written and a run is refused before anything is read.

import { isAbsolute } from 'node:path';
import type { CheckContext } from './checkContext';
import { allowedRootsHint, pathsOutsideRoots } from './allowedRoots';
import { Code } from './codes';
import { obj } from './normalize';

export function checkAllowedPaths(ctx: CheckContext): void {
  const roots = ctx.env.allowedRoots?.(ctx.spec.baseDir);
  if (!roots) return;
  const written = obj(obj(obj(ctx.raw.data).custom));
  for (const outside of pathsOutsideRoots(ctx.spec, roots)) {
    if (outside.kind === 'model') {
      // A relative folder of an unsaved file does not resolve: nothing to check yet.
      if (!ctx.spec.baseDir && !isAbsolute(outside.path)) continue;
      ctx.report.error(Code.pathNotAllowed, `Model folder ${outside.path} is outside the folders this experiment may read: ${allowedRootsHint(roots)}.`, ctx.modelPath(outside.name));
    } else {
      const [task, part] = outside.name.split('.');
      const relative = obj(written[task])[part];
      if (!ctx.spec.baseDir && !(typeof relative === 'string' && isAbsolute(relative))) continue;
      ctx.report.error(Code.pathNotAllowed, `Data file ${outside.path} is outside the folders this experiment may read: ${allowedRootsHint(roots)}.`, ['data', 'custom', task, part]);
    }
  }
}
