// The experiment module's public face: parse and validate experiment files, expand them into
// trials and shards, and keep their results.

export { parseExperiment, loadExperimentFile, type ParseOptions } from './parse';
export { nodeEnvironment, readModelShape, type ExperimentEnvironment, type TokenCheck } from './environment';
export { Code } from './codes';
export {
  ALLOWED_ROOTS_ENV,
  allowedRootsHint,
  defaultAllowedRoots,
  isInsideRoots,
  parseAllowedRoots,
  pathsOutsideRoots,
  workspaceRootOf,
  type PathOutsideRoots,
} from './allowedRoots';
export { EXPERIMENT_SCHEMA } from './experimentSchema';
export { schemaAt, type SchemaNode } from './schemaModel';
export { experimentJsonSchema, experimentJsonSchemaText } from './jsonSchema';
export { isLocalModelName, toModelRef } from './normalize';
export { expandGrid, trialKey, settingsHash, iclFormatFor, canonicalJson, type Trial } from './grid';
export { parseShard, formatShard, shardTrials, type Shard } from './shard';
export * from './store/runStore';
export { TrialLogWriter, TrialStoreWriteError, readTrialLog, type TrialLogIo, type StoreWarning } from './store/trialLog';
export { RunLock, RunBusyError, readLocks, isLive, type LockInfo, type LockState } from './store/runLock';
export { makeRunId, isRunId, slugify } from './store/runId';
