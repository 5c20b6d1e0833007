// Model weights: one loader for safetensors (single or sharded) and PyTorch .bin checkpoints.
export { loadCheckpoint, readShardIndex, WEIGHT_CANDIDATES, type Checkpoint, type CheckpointFormat } from './checkpoint';
export { validateAgainst, type ValidationReport, type ShapeMismatch } from './validate';
export { canonicalName } from './names';
export { WeightFileError, type WeightTensor } from './tensor';
export { readSafetensors, readSafetensorsFloat32, parseSafetensors, type NamedTensor } from './safetensors';
export { readPytorchBin } from './torchBin';
