// Small real experiments on the shipped tiny OPT model (models/tiny-opt-demo) in a temp workspace:
// short enough that dozens of runs fit in a test, long enough (a few optimizer steps and eval
// batches per trial) that kills land in every phase. The text itself is test/support/experimentText.ts.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { experimentYaml as experimentText, type ExperimentOptions } from '../../support/experimentText';
import { DEMO_MODEL } from './builtProduct';
import { tempDir } from './tempDirs';

export interface Workspace {
  dir: string;
  resultsDir: string;
  experimentPath: string;
}

export type { ExperimentOptions };

/** An experiment on the shipped tiny model unless `models` says otherwise. */
export function experimentYaml(o: ExperimentOptions = {}): string {
  return experimentText({ ...o, models: o.models ?? [DEMO_MODEL] });
}

export function makeWorkspace(prefix: string, options: ExperimentOptions = {}): Workspace {
  const dir = tempDir(prefix);
  const experimentPath = join(dir, 'exp.ftlab.yaml');
  writeFileSync(experimentPath, experimentYaml(options));
  return { dir, resultsDir: join(dir, 'runs'), experimentPath };
}

/** The CLI's environment for a workspace: its results folder, one onnxruntime thread, offline. */
export function cliEnv(ws: Workspace, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { FTLAB_RESULTS_DIR: ws.resultsDir, FTLAB_THREADS: '1', HF_HUB_OFFLINE: '1', ...extra };
}
