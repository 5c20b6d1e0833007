// Semantic checks of patterns and verbalizers: placeholders that name fields the task has, one
// verbalizer per label and no stray ones, and (with a tokenizer at hand) verbalizers that are
// exactly one token of each model's tokenizer. Pattern syntax is the data layer's (parsePattern),
// so what passes here renders at run time.

import { isBuiltinTask, methodUsesPattern, type TaskLabel } from '../../../protocol/experiment';
import { parsePattern, type ParsedPattern } from '../data/pattern';
import type { CheckContext } from './checkContext';
import { Code } from './codes';
import { customFieldNames, labelNameOf, labelsOf, obj, own } from './normalize';
import { nearest } from './suggest';

export function checkPatterns(ctx: CheckContext): void {
  const { spec } = ctx;
  const users = spec.methods.filter((m) => methodUsesPattern(m, spec.methodOptions));
  const rawPatterns = obj(ctx.raw.patterns);

  for (const task of Object.keys(rawPatterns)) {
    if (!spec.tasks.includes(task)) {
      ctx.report.warning(Code.unusedPattern, `A pattern for \`${task}\`, which is not in \`tasks\`: it is not used.`, ['patterns', task], 'key');
    }
  }
  for (const task of spec.tasks) {
    const custom = own(spec.data.custom, task);
    const fields = isBuiltinTask(task) ? ctx.env.taskFields(task) : custom ? customFieldNames(custom) : undefined;
    if (!fields) continue; // unknown task: reported by checkTasks
    const pattern = own(spec.patterns, task);
    if (!pattern) {
      if (users.length > 0) {
        ctx.report.error(Code.missingPattern, `Task \`${task}\` needs \`patterns.${task}\` (pattern and verbalizers) for ${users.join(', ')}.`, ctx.taskPath(task));
      }
      continue;
    }
    if (users.length === 0 && !Object.hasOwn(rawPatterns, task)) continue;
    checkTemplate(ctx, task, pattern.pattern, fields);
    const labels = labelsOf(task, spec.data.custom) ?? [];
    checkVerbalizers(ctx, task, labels);
    checkTokens(ctx, task, labels);
  }
}

function checkTemplate(ctx: CheckContext, task: string, pattern: string, fields: readonly string[]): void {
  const path = ctx.patternPath(task, 'pattern');
  const parsed = parsePattern(pattern);
  const placed = locateInSource(ctx, ['patterns', task, 'pattern'], parsed);
  parsed.errors.forEach((problem, i) => {
    const at = placed.errors[i];
    if (at) ctx.report.errorAt(Code.badPlaceholder, problem.message, at[0], at[1]);
    else ctx.report.error(Code.badPlaceholder, problem.message, path);
  });
  parsed.placeholders.forEach((placeholder, i) => {
    if (fields.includes(placeholder.name)) return;
    const suggestion = nearest(placeholder.name, fields);
    const message =
      `\`{${placeholder.name}}\` is not a field of ${task} (fields: ${fields.join(', ')})` + (suggestion ? `; did you mean \`{${suggestion}}\`?` : '.');
    const data = suggestion ? { suggestion, replacement: `{${suggestion}}` } : undefined;
    const at = placed.placeholders[i];
    if (at) ctx.report.errorAt(Code.unknownPlaceholder, message, at[0], at[1], data);
    else ctx.report.error(Code.unknownPlaceholder, message, path, 'value', data);
  });
  if (parsed.errors.length > 0) return;
  const used = new Set(parsed.placeholders.map((p) => p.name));
  if (used.size === 0) {
    ctx.report.warning(Code.patternWithoutPlaceholder, `The pattern of \`${task}\` has no {field} placeholder, so every example reads the same.`, path);
  } else if (parsed.placeholders.every((p) => fields.includes(p.name))) {
    const unused = fields.filter((f) => !used.has(f));
    if (unused.length > 0) {
      ctx.report.warning(Code.patternMissesField, `The pattern of \`${task}\` does not use ${unused.map((f) => `{${f}}`).join(', ')}.`, path);
    }
  }
}

/**
 * Source offsets of each placeholder and syntax error. Escapes in quoted YAML scalars never make or
 * remove braces, so the scalar's raw source text parses into the same placeholders and errors, in order.
 */
function locateInSource(ctx: CheckContext, path: (string | number)[], parsed: ParsedPattern) {
  type Offsets = readonly [number, number];
  const none = { placeholders: [] as Offsets[], errors: [] as Offsets[] };
  const offsets = ctx.offsets(path);
  if (!offsets) return none;
  const raw = parsePattern(ctx.report.source.text.slice(offsets[0], offsets[1]));
  const shift = (p: { start: number; end: number }): Offsets => [offsets[0] + p.start, offsets[0] + p.end];
  const sameNames = raw.placeholders.map((p) => p.name).join('\0') === parsed.placeholders.map((p) => p.name).join('\0');
  return {
    placeholders: sameNames && raw.placeholders.length === parsed.placeholders.length ? raw.placeholders.map(shift) : [],
    errors: raw.errors.length === parsed.errors.length ? raw.errors.map(shift) : [],
  };
}

function checkVerbalizers(ctx: CheckContext, task: string, labels: readonly TaskLabel[]): void {
  const givenPattern = obj(obj(ctx.raw.patterns)[task]);
  const written = obj(givenPattern.verbalizers);
  if (Object.hasOwn(givenPattern, 'verbalizers')) {
    for (const key of Object.keys(written)) {
      if (labelNameOf(key, labels) !== undefined) continue;
      const suggestion = nearest(key, labels.map((l) => l.name));
      ctx.report.error(
        Code.unknownLabel,
        `\`${key}\` is not a label of ${task} (labels: ${labels.map((l) => `${l.name} = ${l.id}`).join(', ')})` +
          (suggestion ? `; did you mean \`${suggestion}\`?` : '.'),
        ['patterns', task, 'verbalizers', key],
        'key',
        suggestion ? { suggestion, replacement: suggestion } : undefined,
      );
    }
  }
  const verbalizers = own(ctx.spec.patterns, task)?.verbalizers ?? {};
  for (const label of labels) {
    if (verbalizers[label.name] !== undefined) continue;
    ctx.report.error(Code.missingVerbalizer, `Label ${label.name} (${label.id}) of ${task} has no verbalizer.`, ctx.patternPath(task, 'verbalizers'), 'key', {
      suggestion: label.name,
    });
  }
  const owner = new Map<string, string>();
  for (const [key, text] of Object.entries(written)) {
    const name = labelNameOf(key, labels);
    if (name === undefined || typeof text !== 'string') continue;
    const other = owner.get(text);
    if (other !== undefined && other !== name) {
      ctx.report.error(
        Code.duplicateVerbalizer,
        `Labels ${other} and ${name} of ${task} share the verbalizer ${JSON.stringify(text)}; they could not be told apart.`,
        ['patterns', task, 'verbalizers', key],
      );
    }
    owner.set(text, name);
  }
}

/** Each verbalizer must be one token of each model's tokenizer. */
function checkTokens(ctx: CheckContext, task: string, labels: readonly TaskLabel[]): void {
  const check = ctx.env.checkToken;
  if (!check) return;
  const written = obj(obj(obj(ctx.raw.patterns)[task]).verbalizers);
  const verbalizers = own(ctx.spec.patterns, task)?.verbalizers ?? {};
  for (const model of ctx.spec.models) {
    for (const label of labels) {
      const text = verbalizers[label.name];
      if (text === undefined) continue;
      const result = check(model.location, text);
      if (result === undefined) {
        noteMissingTokenizer(ctx, model.name);
        break;
      }
      if (result.ok) continue;
      const key = Object.keys(written).find((k) => labelNameOf(k, labels) === label.name);
      const path = key !== undefined ? ['patterns', task, 'verbalizers', key] : ctx.patternPath(task, 'verbalizers');
      const spaced = text.startsWith(' ') ? undefined : ` ${text}`;
      const spacedOk = spaced !== undefined && check(model.location, spaced)?.ok === true;
      ctx.report.error(
        Code.verbalizerNotSingleToken,
        `Verbalizer ${JSON.stringify(text)} (${label.name} in ${task}) is ${result.tokens.length} tokens of ${model.name}'s tokenizer: ` +
          `${result.tokens.map((t) => JSON.stringify(t)).join(', ')}; a verbalizer must be exactly one token.` +
          (spacedOk ? ` ${JSON.stringify(spaced)}, with a leading space, is one token.` : ''),
        path,
        'value',
        { tokens: result.tokens, ...(spacedOk ? { suggestion: spaced, replacement: JSON.stringify(spaced) } : {}) },
      );
    }
  }
}

/** Said once per model, as information: a tokenizer not downloaded yet is not the file's fault. */
function noteMissingTokenizer(ctx: CheckContext, model: string): void {
  if (ctx.noted.has(model)) return;
  ctx.noted.add(model);
  ctx.report.info(
    Code.tokenizerUnavailable,
    `The tokenizer of ${model} is not available here (not downloaded yet?), so its verbalizers were not checked.`,
    ctx.modelPath(model),
  );
}
