// Semantic checks of models and of settings that depend on a model's shape: Hub ids that are
// well formed, local folders that hold a model, LoRA rank within the hidden size, frozen layers
// within the depth, and lengths within the model's positions.

import { isAbsolute, join } from 'node:path';
import type { ModelRef, ModelShape } from '../../../protocol/experiment';
import { isInsideRoots } from './allowedRoots';
import type { CheckContext } from './checkContext';
import { Code } from './codes';

// Hugging Face repo ids: an optional owner, a name; letters, digits, `-`, `_`, `.`; no `--` or `..`.
const HUB_ID = /^(?:[A-Za-z0-9][A-Za-z0-9._-]{0,95}\/)?[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

export function checkModels(ctx: CheckContext): void {
  const roots = ctx.env.allowedRoots?.(ctx.spec.baseDir);
  for (const model of ctx.spec.models) {
    const path = ctx.modelPath(model.name);
    // Outside the allowed folders nothing is looked at, not even whether it exists (checkAllowedPaths says why).
    if (model.source === 'local' && roots && !isInsideRoots(model.location, roots)) continue;
    if (model.source === 'hub') {
      if (!HUB_ID.test(model.name) || /--|\.\./.test(model.name) || /[.-]$/.test(model.name)) {
        ctx.report.error(
          Code.invalidModelName,
          `\`${model.name}\` is neither a Hub id (owner/name) nor a local folder (start it with ./ or ../ or /).`,
          path,
        );
      }
    } else {
      checkFolder(ctx, model, path);
    }
    // A relative folder of an unsaved file does not resolve; its shape would be a guess.
    const resolvable = model.source === 'hub' || ctx.spec.baseDir !== undefined || isAbsolute(model.location);
    const shape = resolvable ? ctx.env.modelShape(model) : undefined;
    if (shape) checkShape(ctx, model, shape, path);
  }
}

function checkFolder(ctx: CheckContext, model: ModelRef, path: readonly (string | number)[]): void {
  // A relative folder of an unsaved file cannot be resolved; say nothing rather than guess.
  if (!ctx.spec.baseDir && !/^([\\/]|~|[A-Za-z]:)/.test(model.name)) return;
  if (!ctx.env.isDirectory(model.location)) {
    ctx.report.error(Code.modelFolderNotFound, `Model folder ${model.location} does not exist (paths are relative to this file).`, path);
  } else if (!ctx.env.isFile(join(model.location, 'config.json'))) {
    ctx.report.error(Code.notAModelFolder, `${model.location} has no config.json, so it is not a Hugging Face model folder.`, path);
  }
}

function checkShape(ctx: CheckContext, model: ModelRef, shape: ModelShape, modelPath: readonly (string | number)[]): void {
  const { spec } = ctx;
  const options = spec.methodOptions;
  if (spec.methods.includes('lora') && options.lora.r > shape.hiddenSize) {
    ctx.report.error(
      Code.loraRankTooLarge,
      `LoRA rank ${options.lora.r} is larger than ${model.name}'s hidden size ${shape.hiddenSize}; the update could not have that rank.`,
      ctx.optionPath('lora', 'r'),
    );
  }
  if (spec.methods.includes('adaptive') && options.adaptive.frozenLayers > shape.numLayers) {
    ctx.report.error(
      Code.frozenLayersTooMany,
      `adaptive freezes ${options.adaptive.frozenLayers} layers, but ${model.name} has ${shape.numLayers}.`,
      ctx.optionPath('adaptive', 'frozenLayers'),
    );
  }
  const trains = spec.methods.some((m) => m !== 'icl');
  if (trains && spec.training.maxLength > shape.maxPositions) {
    const explicit = ctx.has(['training', 'maxLength']);
    ctx.report.error(
      Code.maxLengthTooLarge,
      `training.maxLength is ${spec.training.maxLength}${explicit ? '' : ' (the default)'}, but ${model.name} has ${shape.maxPositions} positions.`,
      ctx.settingPath(['training', 'maxLength'], modelPath),
    );
  }
  const iclLength = options.icl.maxLength;
  if (spec.methods.includes('icl') && typeof iclLength === 'number' && iclLength > shape.maxPositions) {
    ctx.report.error(
      Code.maxLengthTooLarge,
      `methods.icl.maxLength is ${iclLength}, but ${model.name} has ${shape.maxPositions} positions.`,
      ctx.optionPath('icl', 'maxLength'),
    );
  }
}
