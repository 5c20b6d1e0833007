// What the validator may ask the outside world: files, model shapes, tokenizers. Each has a
// default (plain node:fs, the built-in tables) and each can be replaced — the language server
// passes its tokenizer cache, tests pass fakes where the real thing would need the network.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUILTIN_TASKS,
  isBuiltinTask,
  KNOWN_MODEL_SHAPES,
  type ModelRef,
  type ModelShape,
} from '../../../protocol/experiment';

export interface TokenCheck {
  /** The text is exactly one token. */
  ok: boolean;
  /** The tokens the text splits into (as the tokenizer spells them, e.g. "ĠYes"). */
  tokens: string[];
}

export interface ExperimentEnvironment {
  isFile(path: string): boolean;
  isDirectory(path: string): boolean;
  /** Hidden size, depth and maximum positions, where known without loading weights. */
  modelShape(model: ModelRef): ModelShape | undefined;
  /** Whether `text` is one token of the model's tokenizer (model = ModelRef.location); undefined: no tokenizer at hand. */
  checkToken?(model: string, text: string): TokenCheck | undefined;
  /** Fields of a built-in task's examples (the pattern placeholders it accepts). */
  taskFields(task: string): readonly string[] | undefined;
  /**
   * The folders local models and data files may lie in, given the experiment file's folder (see
   * allowedRoots.ts); absent or undefined: paths are not checked. The runner always sets it.
   */
  allowedRoots?(experimentDir: string | undefined): readonly string[] | undefined;
}

const MAX_CONFIG_BYTES = 1024 * 1024;

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** hidden_size, num_hidden_layers, max_position_embeddings from a folder's config.json. */
export function readModelShape(folder: string): ModelShape | undefined {
  const file = join(folder, 'config.json');
  const stat = statOrUndefined(file);
  if (!stat?.isFile() || stat.size > MAX_CONFIG_BYTES) return undefined;
  try {
    const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const positive = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
    const hiddenSize = positive(config.hidden_size);
    const numLayers = positive(config.num_hidden_layers);
    const maxPositions = positive(config.max_position_embeddings);
    if (!hiddenSize || !numLayers || !maxPositions) return undefined;
    return { hiddenSize, numLayers, maxPositions };
  } catch {
    return undefined;
  }
}

export const nodeEnvironment: ExperimentEnvironment = {
  isFile: (path) => statOrUndefined(path)?.isFile() ?? false,
  isDirectory: (path) => statOrUndefined(path)?.isDirectory() ?? false,
  modelShape: (model) => (model.source === 'local' ? readModelShape(model.location) : KNOWN_MODEL_SHAPES[model.location]),
  taskFields: (task) => (isBuiltinTask(task) ? BUILTIN_TASKS[task].fields : undefined),
};
