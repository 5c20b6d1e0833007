// Reads a run's store for reports through the store's own reader (run.json, then trials.jsonl and
// the shard logs merged by trial key; torn or foreign lines skipped with a warning), and checks the
// manifest and every record against the shapes the results panel accepts.
import type { RunSummary } from '../../../protocol/lsp';
import type { RunManifest, TrialRecord } from '../../../protocol/results';
import { runDataMessage, runManifestValidator } from '../../../protocol/webview';
import { readManifest, readRunTrials } from '../experiment/store/runStore';

export interface LoadedRun {
  manifest: RunManifest;
  trials: TrialRecord[];
  /** Problems found in the store, one sentence each, naming file and line. */
  warnings: string[];
}

export function readRunStore(runDir: string): LoadedRun {
  const manifest = readManifest(runDir);
  const shapeError = runManifestValidator(manifest, 'run.json');
  if (shapeError) throw new Error(`${runDir}/run.json is not a run manifest the results panel can show: ${shapeError}`);
  const store = readRunTrials(runDir);
  // The store's reader checks only what merging needs; the panel checks every field. Records it
  // would reject are left out here, with a warning, so the rest of the run still shows.
  const checked = runDataMessage(
    { runId: manifest.runId, runDir, manifest, state: 'finished', finishedTrials: 0, failedTrials: 0 },
    store.trials,
    store.warnings.map((w) => `${w.file}: ${w.message}.`),
  );
  return { manifest, trials: checked.trials, warnings: checked.warnings };
}

/** The run as the results panel lists it. A report cannot know whether a trainer still works on an
 * incomplete run, so such a run is shown as interrupted. */
export function summarizeRun(run: LoadedRun, runDir: string): RunSummary {
  const finishedTrials = run.trials.filter((t) => t.status === 'finished').length;
  const failedTrials = run.trials.length - finishedTrials;
  return {
    runId: run.manifest.runId,
    runDir,
    manifest: run.manifest,
    state: run.trials.length >= run.manifest.totalTrials ? 'finished' : 'interrupted',
    finishedTrials,
    failedTrials,
  };
}
