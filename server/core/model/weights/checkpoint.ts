// One entry point for a model folder's weights, whatever form they take. Preference follows
// transformers: model.safetensors, then a sharded safetensors index, then pytorch_model.bin, then a
// sharded .bin index. Every tensor comes back as fp32 under its canonical name (see names.ts).
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { canonicalName, dropTiedHead } from './names';
import { readSafetensorsFloat32 } from './safetensors';
import { WeightFileError, type WeightTensor } from './tensor';
import { readPytorchBin } from './torchBin';
import { validateAgainst, type ValidationReport } from './validate';

export type CheckpointFormat = 'safetensors' | 'pytorch';

export interface Checkpoint {
  /** Canonical parameter name → fp32 tensor (the only fp32 copy the loader keeps). */
  tensors: Map<string, WeightTensor>;
  /** The weight files read, absolute paths, index first where there is one. */
  files: string[];
  format: CheckpointFormat;
  /** Missing, unexpected and wrong-shape tensors against what a model expects. */
  validateAgainst(expected: ReadonlyMap<string, readonly number[]>): ValidationReport;
}

/** Weight file names in order of preference; exported so the Hub download fetches the same choice. */
export const WEIGHT_CANDIDATES: readonly { file: string; format: CheckpointFormat; sharded: boolean }[] = [
  { file: 'model.safetensors', format: 'safetensors', sharded: false },
  { file: 'model.safetensors.index.json', format: 'safetensors', sharded: true },
  { file: 'pytorch_model.bin', format: 'pytorch', sharded: false },
  { file: 'pytorch_model.bin.index.json', format: 'pytorch', sharded: true },
];

/** Reads a sharded checkpoint's index and returns tensor name → shard file name. */
export function readShardIndex(indexFile: string): Map<string, string> {
  let index: unknown;
  try {
    index = JSON.parse(readFileSync(indexFile, 'utf8'));
  } catch (e) {
    throw new WeightFileError(indexFile, `cannot read the shard index: ${(e as Error).message}`);
  }
  const weightMap = (index as { weight_map?: unknown })?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new WeightFileError(indexFile, 'the shard index has no weight_map object');
  }
  const out = new Map<string, string>();
  for (const [name, shard] of Object.entries(weightMap as Record<string, unknown>)) {
    // A shard name is joined onto the model folder: refuse anything that would leave it.
    if (typeof shard !== 'string' || !shard || isAbsolute(shard) || normalize(shard).startsWith('..')) {
      throw new WeightFileError(indexFile, `invalid shard file name ${JSON.stringify(shard)}`, name);
    }
    out.set(name, shard);
  }
  if (out.size === 0) throw new WeightFileError(indexFile, 'the shard index lists no tensors');
  return out;
}

function addTensors(into: Map<string, WeightTensor>, from: Map<string, WeightTensor>, file: string): void {
  for (const [name, tensor] of from) {
    const canonical = canonicalName(name);
    if (into.has(canonical)) throw new WeightFileError(file, `tensor ${canonical} appears twice (with and without the leading "model." or in two shards)`, name);
    into.set(canonical, tensor);
  }
}

function readWeightFile(file: string, format: CheckpointFormat): Map<string, WeightTensor> {
  return format === 'safetensors' ? readSafetensorsFloat32(file) : readPytorchBin(file);
}

/** Finds and reads the weights of a model folder. */
export function loadCheckpoint(dir: string): Checkpoint {
  const choice = WEIGHT_CANDIDATES.find((c) => existsSync(join(dir, c.file)));
  if (!choice) {
    throw new WeightFileError(dir, `no weights found: expected one of ${WEIGHT_CANDIDATES.map((c) => c.file).join(', ')}`);
  }
  const first = join(dir, choice.file);
  const tensors = new Map<string, WeightTensor>();
  const files = [first];
  if (!choice.sharded) {
    addTensors(tensors, readWeightFile(first, choice.format), first);
  } else {
    const weightMap = readShardIndex(first);
    for (const shard of new Set(weightMap.values())) {
      const shardFile = join(dir, shard);
      if (!existsSync(shardFile)) throw new WeightFileError(first, `shard ${shard} is missing`);
      const read = readWeightFile(shardFile, choice.format);
      for (const [name, owner] of weightMap) {
        if (owner === shard && !read.has(name)) throw new WeightFileError(shardFile, 'listed in the index but not in this shard', name);
      }
      addTensors(tensors, read, shardFile);
      files.push(shardFile);
    }
  }
  dropTiedHead(tensors);
  return {
    tensors,
    files,
    format: choice.format,
    validateAgainst: (expected) => validateAgainst(tensors, expected),
  };
}
