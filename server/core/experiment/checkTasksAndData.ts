// Semantic checks of tasks and their data: tasks that exist, custom tasks whose files exist and
// whose format is known, and known-flawed evaluation choices.

import { isAbsolute } from 'node:path';
import { BUILTIN_TASK_IDS, isBuiltinTask } from '../../../protocol/experiment';
import { isInsideRoots } from './allowedRoots';
import type { CheckContext } from './checkContext';
import { Code } from './codes';
import { customFieldNames, formatFromExtension, obj } from './normalize';
import { nearest } from './suggest';

export function checkTasks(ctx: CheckContext): void {
  const { spec } = ctx;
  const known = [...BUILTIN_TASK_IDS, ...Object.keys(spec.data.custom)];
  for (const task of spec.tasks) {
    if (isBuiltinTask(task) || Object.hasOwn(spec.data.custom, task)) continue;
    const suggestion = nearest(task, known);
    ctx.report.error(
      Code.unknownTask,
      `Unknown task \`${task}\`: use ${BUILTIN_TASK_IDS.join(', ')}, or define it under \`data.custom\`` + (suggestion ? `; did you mean \`${suggestion}\`?` : '.'),
      ctx.taskPath(task),
      'value',
      suggestion ? { suggestion, replacement: suggestion } : undefined,
    );
  }
  for (const name of Object.keys(spec.data.custom)) {
    if (isBuiltinTask(name)) {
      ctx.report.error(Code.customTaskShadowsBuiltin, `\`${name}\` is a built-in task; give your task another name.`, ['data', 'custom', name], 'key');
    }
  }
}

export function checkCustomData(ctx: CheckContext): void {
  const rawCustom = obj(obj(obj(ctx.raw.data).custom));
  const roots = ctx.env.allowedRoots?.(ctx.spec.baseDir);
  for (const [name, task] of Object.entries(ctx.spec.data.custom)) {
    const written = obj(rawCustom[name]);
    const files = [
      ['train', task.train],
      ['eval', task.evals[0]],
      ['ood', task.evals[1]],
    ] as const;
    for (const [part, file] of files) {
      const relative = written[part];
      if (typeof relative !== 'string' || !file) continue;
      const path = ['data', 'custom', name, part];
      if (written.format === undefined && !formatFromExtension(relative)) {
        ctx.report.error(
          Code.dataFormatUnknown,
          `Cannot tell the format of ${relative} from its extension: add \`format: jsonl\`, \`csv\`, \`tsv\` or \`parquet\`.`,
          path,
        );
      }
      // An unsaved file has no folder to resolve against: only absolute paths can be checked.
      if (!ctx.spec.baseDir && !isAbsolute(relative)) continue;
      // Outside the allowed folders nothing is looked at (checkAllowedPaths says why).
      if (roots && !isInsideRoots(file.path, roots)) continue;
      if (ctx.env.isFile(file.path)) continue;
      const why = ctx.env.isDirectory(file.path) ? 'is a folder, not a data file' : 'does not exist';
      ctx.report.error(Code.dataFileNotFound, `${file.path} ${why} (\`${part}\` of custom task ${name}; paths are relative to this file).`, path);
    }
    const fields = customFieldNames(task);
    if (fields.includes(task.labelField)) {
      ctx.report.warning(Code.labelFieldIsInput, `\`${task.labelField}\` is both the label field and an input field of ${name}: patterns could show the answer.`, [
        'data',
        'custom',
        name,
        'labelField',
      ]);
    }
  }
}

export function checkKnownFlaws(ctx: CheckContext): void {
  const { spec } = ctx;
  if (spec.tasks.includes('cola') && spec.data.cola.inDomainEval === 'glue-validation') {
    ctx.report.warning(
      Code.colaGlueValidationFlaw,
      "GLUE's CoLA validation set is in_domain_dev plus out_of_domain_dev, and out_of_domain_dev is the OOD set: " +
        'the "in-domain" score would include the OOD examples. Use `in-domain-dev`.',
      ['data', 'cola', 'inDomainEval'],
      'value',
      { suggestion: 'in-domain-dev', replacement: 'in-domain-dev' },
    );
  }
}
