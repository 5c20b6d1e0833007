// OPT's configuration, read from a Hugging Face config.json. Field names follow transformers'
// OPTConfig; defaults are OPTConfig's own where a checkpoint may omit a field.
import { readFile } from 'node:fs/promises';

export interface OptConfig {
  vocabSize: number;
  /** C: width of the decoder layers. */
  hiddenSize: number;
  /** Cp: width of the token embeddings and the LM head; ≠ hiddenSize means project_in/project_out (opt-350m). */
  wordEmbedProjDim: number;
  numLayers: number;
  numHeads: number;
  ffnDim: number;
  /** Learned positions; the table has maxPositions + 2 rows (OPT's offset of 2). */
  maxPositions: number;
  /** true: pre-norm (opt-125m and most sizes); false: post-norm (opt-350m). */
  doLayerNormBefore: boolean;
  /** Final layer norm after the last layer: pre-norm models only, unless _remove_final_layer_norm. */
  finalLayerNorm: boolean;
  enableBias: boolean;
  layerNormAffine: boolean;
  dropout: number;
  attentionDropout: number;
  activationDropout: number;
  padTokenId: number;
  bosTokenId: number;
  eosTokenId: number;
}

/** OPT's position ids start at this row of the table (fairseq's padding-offset convention). */
export const POSITION_OFFSET = 2;

/** nn.LayerNorm's default, which OPT uses everywhere. */
export const LAYER_NORM_EPS = 1e-5;

export class ConfigError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'ConfigError';
  }
}

type Json = Record<string, unknown>;

function positiveInt(json: Json, key: string, file: string, fallback?: number): number {
  const v = json[key] ?? fallback;
  if (v === undefined) throw new ConfigError(file, `missing field "${key}"`);
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new ConfigError(file, `field "${key}" must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

function probability(json: Json, key: string, file: string, fallback: number): number {
  const v = json[key] ?? fallback;
  if (typeof v !== 'number' || v < 0 || v >= 1) throw new ConfigError(file, `field "${key}" must be in [0, 1), got ${JSON.stringify(v)}`);
  return v;
}

function bool(json: Json, key: string, file: string, fallback: boolean): boolean {
  const v = json[key] ?? fallback;
  if (typeof v !== 'boolean') throw new ConfigError(file, `field "${key}" must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function tokenId(json: Json, key: string, file: string, fallback: number): number {
  const v = json[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ConfigError(file, `field "${key}" must be a token id, got ${JSON.stringify(v)}`);
  return v;
}

/** Validates a parsed config.json (`fileName` only labels errors). */
export function parseOptConfig(json: unknown, fileName: string): OptConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError(fileName, 'not a JSON object');
  const j = json as Json;
  if (j.model_type !== 'opt') {
    const got = j.model_type === undefined ? 'no "model_type" field' : `model_type "${String(j.model_type)}"`;
    throw new ConfigError(fileName, `${got}: only OPT models ("model_type": "opt") are supported`);
  }
  const activation = j.activation_function ?? 'relu';
  if (activation !== 'relu') throw new ConfigError(fileName, `activation_function "${String(activation)}" is not supported (OPT uses relu)`);

  if (!bool(j, 'tie_word_embeddings', fileName, true)) {
    throw new ConfigError(fileName, 'tie_word_embeddings false is not supported (OPT ties its LM head to the token embeddings)');
  }
  const hiddenSize = positiveInt(j, 'hidden_size', fileName);
  const numHeads = positiveInt(j, 'num_attention_heads', fileName);
  if (hiddenSize % numHeads !== 0) {
    throw new ConfigError(fileName, `hidden_size ${hiddenSize} is not divisible by num_attention_heads ${numHeads}`);
  }
  const doLayerNormBefore = bool(j, 'do_layer_norm_before', fileName, true);
  return {
    vocabSize: positiveInt(j, 'vocab_size', fileName),
    hiddenSize,
    wordEmbedProjDim: positiveInt(j, 'word_embed_proj_dim', fileName, hiddenSize),
    numLayers: positiveInt(j, 'num_hidden_layers', fileName),
    numHeads,
    ffnDim: positiveInt(j, 'ffn_dim', fileName),
    maxPositions: positiveInt(j, 'max_position_embeddings', fileName),
    doLayerNormBefore,
    finalLayerNorm: doLayerNormBefore && !bool(j, '_remove_final_layer_norm', fileName, false),
    enableBias: bool(j, 'enable_bias', fileName, true),
    layerNormAffine: bool(j, 'layer_norm_elementwise_affine', fileName, true),
    dropout: probability(j, 'dropout', fileName, 0.1),
    attentionDropout: probability(j, 'attention_dropout', fileName, 0),
    activationDropout: probability(j, 'activation_dropout', fileName, 0),
    padTokenId: tokenId(j, 'pad_token_id', fileName, 1),
    bosTokenId: tokenId(j, 'bos_token_id', fileName, 2),
    eosTokenId: tokenId(j, 'eos_token_id', fileName, 2),
  };
}

/** Reads and validates a config.json file. */
export async function readOptConfig(file: string): Promise<OptConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, `cannot read: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, `not valid JSON: ${(e as Error).message}`);
  }
  return parseOptConfig(json, file);
}
