// Everything before a trainer starts: parse and validate the experiment (the shared parser), create
// or open the run folder with its manifest, expand the grid (and take this shard's part), and skip
// the trials the store already holds as finished. Synchronous and side-effect free apart from
// creating the run folder, so a refused run leaves nothing behind.

import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ExperimentDiagnostic, ExperimentSpec, ProviderId } from '../../protocol/experiment';
import type { RunManifest } from '../../protocol/results';
import type { HubSettings } from '../../protocol/runner';
import {
  allowedRootsHint,
  createRun,
  defaultAllowedRoots,
  expandGrid,
  finishedKeys,
  listRuns,
  loadExperimentFile,
  machineInfo,
  MANIFEST_FILE,
  parseShard,
  pathsOutsideRoots,
  readLocks,
  readManifest,
  readRunTrials,
  shardTrials,
  type NewRun,
  type Shard,
  type Trial,
} from '../core/experiment';
import { createFileExclusive } from '../core/experiment/store/atomicFile';
import { findDataRoot } from '../core/data/dataRoot';
import { hubCacheDir, isOffline } from '../core/hub/hubSettings';
import { runtimeVersions } from './versions';

/** Where runs go unless told otherwise: $FTLAB_RESULTS_DIR, else ./.ftlab/runs. */
export function defaultResultsDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return resolve(cwd, env.FTLAB_RESULTS_DIR || join('.ftlab', 'runs'));
}

/** How a run executes; none of it changes a trial's result, so none of it is in the trial keys. */
export interface ExecutionOptions {
  /** Execution provider; wins over the experiment file's `provider`. */
  provider?: ProviderId;
  /** onnxruntime threads (0: onnxruntime decides); wins over the file's `threads`. */
  threads?: number;
  /** Used when neither the option above nor the file says (e.g. the `ftlab.*` settings). */
  defaultProvider?: ProviderId;
  defaultThreads?: number;
  hub?: Partial<HubSettings>;
  /** The shipped data folder; found from the experiment's folder or the program's otherwise. */
  dataRoot?: string;
  /** Run only this shard of the grid ("i/N" or parsed). */
  shard?: Shard | string;
  /**
   * Folders besides the defaults (the experiment's workspace, the shipped data and models, the
   * Hugging Face cache) that local models and data files may lie in: the `ftlab.data.allowedRoots`
   * setting, `--allowed-roots`, $FTLAB_ALLOWED_ROOTS. Paths anywhere else refuse the run.
   */
  allowedRoots?: readonly string[];
}

export interface StartRunOptions extends ExecutionOptions {
  experimentPath: string;
  /** Folder of run stores; default defaultResultsDir(). */
  resultsDir?: string;
  /** Join (or create) the run with this id — how the shards of one cluster run share a folder. */
  runId?: string;
  /**
   * Without runId: continue the newest run of this experiment file that is stopped short of
   * complete (same grid, no live runner) instead of starting a new one — what `ftlab run` does
   * when run again after a crash or Ctrl-C.
   */
  resumeIncomplete?: boolean;
}

export type ResumeRunOptions = ExecutionOptions;

export interface PreparedRun {
  runId: string;
  runDir: string;
  manifest: RunManifest;
  spec: ExperimentSpec;
  shard?: Shard;
  /** The trials of this run (or shard), in grid order. */
  trials: Trial[];
  /** The ones the store does not hold as finished: what this run will train. */
  pending: Trial[];
  provider: ProviderId;
  threads?: number;
  dataRoot?: string;
  hub: HubSettings;
  /** Store problems found while reading (e.g. a torn last line), already skipped. */
  storeWarnings: string[];
  /** Warnings and hints of the experiment file (a new run; a resume does not re-read the file). */
  diagnostics: ExperimentDiagnostic[];
  /** True when an existing run folder is continued. */
  resumed: boolean;
}

/** The experiment file has errors; `diagnostics` are located (0-based line and character). */
export class ExperimentInvalidError extends Error {
  constructor(
    readonly filePath: string,
    readonly diagnostics: ExperimentDiagnostic[],
  ) {
    const errors = diagnostics.filter((d) => d.severity === 1);
    const first = errors[0] ?? diagnostics[0];
    super(
      `${filePath} has ${errors.length} error${errors.length === 1 ? '' : 's'}` +
        (first ? `: ${first.message} (line ${first.range.start.line + 1})` : ''),
    );
    this.name = 'ExperimentInvalidError';
  }
}

/** Folder-name-safe ids: both the store's (20260101-120000-demo) and the cluster's (demo-20260101-120000). */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function checkGivenRunId(runId: string): void {
  if (!RUN_ID.test(runId)) {
    throw new Error(`run id must be one folder name of letters, digits, '.', '_' and '-', got ${JSON.stringify(runId)}`);
  }
}

function asShard(shard: Shard | string | undefined): Shard | undefined {
  return typeof shard === 'string' ? parseShard(shard) : shard;
}

function newRun(experimentPath: string, spec: ExperimentSpec, provider: ProviderId): NewRun & Pick<RunManifest, 'machine'> {
  return {
    experimentPath,
    spec,
    totalTrials: expandGrid(spec).length,
    versions: runtimeVersions(),
    provider,
    machine: machineInfo(),
  };
}

/** Opens the run `runId` if some shard (or an earlier attempt) created it, else creates it. */
function joinOrCreateRun(resultsDir: string, runId: string, experimentPath: string, spec: ExperimentSpec, provider: ProviderId): RunManifest {
  checkGivenRunId(runId);
  const dir = join(resultsDir, runId);
  mkdirSync(dir, { recursive: true });
  // First writer wins; the others read what it wrote (shards racing to create one run).
  const mine: RunManifest = { ...newRun(experimentPath, spec, provider), runId, createdAt: new Date().toISOString() };
  createFileExclusive(join(dir, MANIFEST_FILE), `${JSON.stringify(mine, null, 2)}\n`);
  const manifest = readManifest(dir);
  const held = new Set(expandGrid(manifest.spec as ExperimentSpec).map((t) => t.key));
  const keys = expandGrid(spec).map((t) => t.key);
  if (held.size !== keys.length || !keys.every((k) => held.has(k))) {
    throw new Error(`run ${runId} was made from a different version of the experiment; start a new run, or restore the file it was made from`);
  }
  return manifest;
}

function resolveExecution(options: ExecutionOptions, spec: ExperimentSpec, fallbackProvider?: ProviderId) {
  const provider = options.provider ?? spec.provider ?? fallbackProvider ?? options.defaultProvider ?? 'auto';
  const fileThreads = typeof spec.threads === 'number' ? spec.threads : undefined;
  const threads = options.threads ?? fileThreads ?? options.defaultThreads;
  const dataRoot =
    options.dataRoot ?? (spec.baseDir ? findDataRoot(spec.baseDir) : undefined) ?? findDataRoot(__dirname) ?? findDataRoot(process.cwd());
  const hub: HubSettings = {
    ...(options.hub?.cacheDir ? { cacheDir: options.hub.cacheDir } : {}),
    offline: options.hub?.offline ?? isOffline(),
  };
  return { provider, threads: threads && threads > 0 ? threads : undefined, dataRoot, hub };
}

/** Every folder this run's experiment may read from (see server/core/experiment/allowedRoots.ts). */
export function allowedRootsFor(experimentDir: string, options: ExecutionOptions): string[] {
  return [
    ...defaultAllowedRoots({ experimentDir, programDir: __dirname, hubCacheDir: options.hub?.cacheDir ?? hubCacheDir() }),
    ...(options.allowedRoots ?? []).map((root) => resolve(experimentDir, root)),
  ];
}

/** A run folder's spec came from a file checked when the run began; the allowed folders may have changed since. */
function checkStoredPaths(spec: ExperimentSpec, experimentPath: string, options: ExecutionOptions): void {
  const roots = allowedRootsFor(dirname(resolve(experimentPath)), options);
  const outside = pathsOutsideRoots(spec, roots);
  if (outside.length === 0) return;
  const list = outside.map((o) => `${o.kind === 'model' ? 'model folder' : `data file (${o.name})`} ${o.path}`).join('; ');
  throw new Error(`The run reads ${list}, outside the folders it may read: ${allowedRootsHint(roots)}.`);
}

function selectTrials(runDir: string, spec: ExperimentSpec, shard: Shard | undefined) {
  const all = expandGrid(spec);
  const trials = shard ? shardTrials(all, shard) : all;
  const done = finishedKeys(runDir);
  const storeWarnings = readRunTrials(runDir).warnings.map((w) => `${w.file}: ${w.message}`);
  return { trials, pending: trials.filter((t) => !done.has(t.key)), storeWarnings };
}

export function prepareNewRun(options: StartRunOptions): PreparedRun {
  const experimentPath = resolve(options.experimentPath);
  const parsed = loadExperimentFile(experimentPath, { env: { allowedRoots: (dir) => allowedRootsFor(dir ?? dirname(experimentPath), options) } });
  if (!parsed.spec) throw new ExperimentInvalidError(experimentPath, parsed.diagnostics);
  const spec = parsed.spec;
  const shard = asShard(options.shard);
  const execution = resolveExecution(options, spec);
  const resultsDir = resolve(options.resultsDir ?? defaultResultsDir());
  if (!options.runId && options.resumeIncomplete) {
    const incomplete = findIncompleteRun(resultsDir, experimentPath, spec);
    if (incomplete) return { ...prepareResume(incomplete, options), diagnostics: parsed.diagnostics };
  }
  const existed = options.runId ? existsSync(join(resultsDir, options.runId, MANIFEST_FILE)) : false;
  const manifest = options.runId
    ? joinOrCreateRun(resultsDir, options.runId, experimentPath, spec, execution.provider)
    : createRun(resultsDir, newRun(experimentPath, spec, execution.provider), spec.name);
  const runDir = join(resultsDir, manifest.runId);
  return {
    runId: manifest.runId,
    runDir,
    manifest,
    spec,
    shard,
    ...execution,
    ...selectTrials(runDir, spec, shard),
    diagnostics: parsed.diagnostics,
    resumed: existed,
  };
}

/** The newest run of this experiment file with the same grid that is neither complete nor running. */
export function findIncompleteRun(resultsDir: string, experimentPath: string, spec: ExperimentSpec): string | undefined {
  const keys = expandGrid(spec).map((t) => t.key);
  for (const listing of listRuns(resultsDir).reverse()) {
    const manifest = listing.manifest;
    if (!manifest || resolve(manifest.experimentPath) !== experimentPath) continue;
    let held: Set<string>;
    try {
      held = new Set(expandGrid(manifest.spec as ExperimentSpec).map((t) => t.key));
    } catch {
      continue;
    }
    if (held.size !== keys.length || !keys.every((k) => held.has(k))) continue;
    if (readLocks(listing.dir).some((l) => l.live)) continue;
    const done = finishedKeys(listing.dir);
    if (keys.some((k) => !done.has(k))) return listing.dir;
  }
  return undefined;
}

/** Continues a run from its folder, with the spec stored in run.json (never the file as it is now). */
export function prepareResume(runDir: string, options: ResumeRunOptions = {}): PreparedRun {
  const dir = resolve(runDir);
  if (!existsSync(join(dir, MANIFEST_FILE))) throw new Error(`${dir} is not a run folder (no ${MANIFEST_FILE})`);
  const manifest = readManifest(dir);
  const spec = manifest.spec as ExperimentSpec;
  if (!spec || !Array.isArray(spec.models) || !Array.isArray(spec.seeds)) {
    throw new Error(`${join(dir, MANIFEST_FILE)} holds no usable experiment spec`);
  }
  checkStoredPaths(spec, manifest.experimentPath, options);
  const shard = asShard(options.shard);
  const execution = resolveExecution(options, spec, manifest.provider as ProviderId);
  return { runId: manifest.runId, runDir: dir, manifest, spec, shard, ...execution, ...selectTrials(dir, spec, shard), diagnostics: [], resumed: true };
}
