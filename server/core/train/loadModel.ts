// Model, weights and tokenizer for a trial, resolved from a local folder or the Hugging Face cache
// (downloading when allowed). A trainer runs many trials of the same model one after another, so
// the loaded model is kept for the next trial: one fp32 copy of the base weights per process
// (training never writes into these arrays; updated weights are new tensors).
import type { ModelRef } from '../../../protocol/experiment';
import type { HubSettings } from '../../../protocol/runner';
import { downloadModel } from '../hub';
import { readOptConfig, type OptConfig } from '../model/config';
import { optParameterShapes, paramsFromTensors, type ParamValues } from '../model/optParams';
import { loadCheckpoint } from '../model/weights';
import { loadTokenizer, type TextTokenizer } from '../tokenizer';
import { join } from 'node:path';

export interface LoadedModel {
  ref: ModelRef;
  dir: string;
  config: OptConfig;
  weights: ParamValues;
  tokenizer: TextTokenizer;
}

let cached: { key: string; model: LoadedModel } | undefined;

export async function loadModel(ref: ModelRef, hub: HubSettings, signal?: AbortSignal, onProgress?: (text: string) => void): Promise<LoadedModel> {
  const key = `${ref.source}:${ref.location}:${hub.cacheDir ?? ''}`;
  if (cached?.key === key) return cached.model;
  cached = undefined; // drop the previous model before loading the next one
  const dir =
    ref.source === 'local'
      ? ref.location
      : (
          await downloadModel(ref.location, {
            cacheDir: hub.cacheDir,
            offline: hub.offline || undefined,
            signal,
            onProgress: (p) => onProgress?.(`downloading ${p.file}: ${Math.round(p.done / 1e6)} of ${Math.round(p.total / 1e6)} MB`),
          })
        ).dir;
  const config = await readOptConfig(join(dir, 'config.json'));
  const checkpoint = loadCheckpoint(dir);
  const weights = paramsFromTensors(checkpoint.tensors, optParameterShapes(config), `${ref.name} (${checkpoint.files.join(', ')})`);
  const tokenizer = loadTokenizer(dir);
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new Error(`${ref.name}: the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary has ${config.vocabSize}: they do not belong together`);
  }
  const model = { ref, dir, config, weights, tokenizer };
  cached = { key, model };
  return model;
}
