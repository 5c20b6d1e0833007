// Semantic checks of method options against each other and against the grid: an instruction for
// instruction distillation, ICL formats the task has, demonstrations that fit in the sample,
// micro-batches within the batch, distinct seeds, and a grid that can be enumerated.

import { isBuiltinTask } from '../../../protocol/experiment';
import type { CheckContext } from './checkContext';
import { Code } from './codes';

/** Beyond this a run could not finish anyway, and expanding the grid would exhaust memory. */
export const MAX_GRID_TRIALS = 1_000_000;

export function checkMethods(ctx: CheckContext): void {
  const { spec } = ctx;
  const { distill, icl } = spec.methodOptions;
  if (spec.methods.length === 0 && ctx.has(['methods']) && !Array.isArray(ctx.raw.methods)) {
    ctx.report.error(Code.tooFewItems, '`methods` names no method: list at least one (vanilla, pbft, adaptive, lora, distill, icl).', ['methods']);
  }

  if (spec.methods.includes('distill') && distill.context === 'instruction' && !distill.instruction) {
    ctx.report.error(
      Code.missingInstruction,
      'Distillation with `context: instruction` needs `instruction:` (the text the teacher sees before each input).',
      ctx.optionPath('distill', 'context'),
    );
  }

  if (spec.methods.includes('icl') && icl.format !== 'pattern') {
    // The prompt formats are written for the built-in tasks; a custom task has only its own pattern.
    for (const task of spec.tasks.filter((t) => Object.hasOwn(spec.data.custom, t) && !isBuiltinTask(t))) {
      ctx.report.error(
        Code.iclFormatUnavailable,
        `The ${icl.format} ICL format is defined for the built-in tasks, not for ${task}; use \`format: pattern\` (the task's pattern).`,
        ctx.optionPath('icl', 'format'),
      );
    }
  }

  const smallest = spec.n.length ? Math.min(...spec.n) : Infinity;
  const demos: [('icl' | 'distill'), number, boolean][] = [
    ['icl', icl.k, spec.methods.includes('icl')],
    ['distill', distill.k, spec.methods.includes('distill') && distill.context === 'demonstrations'],
  ];
  for (const [method, k, applies] of demos) {
    if (!applies || k <= smallest) continue;
    ctx.report.warning(
      Code.demonstrationsExceedN,
      `${method} takes k = ${k} demonstrations per class from the trial's sample, but n = ${smallest} has only ${smallest} per class; ` +
        `those trials use ${smallest}.`,
      ctx.optionPath(method, 'k'),
    );
  }

  const micro = spec.training.microBatchSize;
  if (typeof micro === 'number' && micro > spec.training.batchSize) {
    ctx.report.warning(
      Code.microBatchTooLarge,
      `microBatchSize ${micro} is larger than batchSize ${spec.training.batchSize}; a pass never holds more than one batch.`,
      ['training', 'microBatchSize'],
    );
  }
}

export function checkSeedsAndGrid(ctx: CheckContext): void {
  const { spec } = ctx;
  const seen = new Set<string>();
  spec.seeds.forEach((pair, index) => {
    const id = `${pair.dataSeed}/${pair.modelSeed}`;
    if (seen.has(id)) {
      ctx.report.error(Code.duplicateSeedPair, `Seed pair (data ${pair.dataSeed}, model ${pair.modelSeed}) is listed twice.`, ['seeds', index]);
    }
    seen.add(id);
  });
  const trials = spec.models.length * spec.tasks.length * spec.methods.length * spec.n.length * spec.seeds.length;
  if (trials > MAX_GRID_TRIALS) {
    ctx.report.error(Code.gridTooLarge, `The grid has ${trials.toLocaleString('en')} trials; at most ${MAX_GRID_TRIALS.toLocaleString('en')} are allowed.`, []);
  }
}
