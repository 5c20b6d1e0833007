// Small real experiments on the shipped tiny OPT model (models/tiny-opt-demo) in a temp workspace:
// short enough that dozens of runs fit in a test, long enough (a few optimizer steps and eval
// batches per trial) that kills land in every phase.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_MODEL } from './builtProduct';
import { tempDir } from './tempDirs';

export interface Workspace {
  dir: string;
  resultsDir: string;
  experimentPath: string;
}

export interface ExperimentOptions {
  name?: string;
  models?: string[];
  tasks?: string[];
  methods?: string[];
  n?: number[];
  seeds?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number | string;
  maxLength?: number;
  evalExamples?: number;
  evalBatch?: number;
  /** The `patterns:` block; default: CoLA's " No" / " Yes". */
  patterns?: string;
  /** Extra top-level YAML appended as written. */
  extra?: string;
}

export function experimentYaml(o: ExperimentOptions = {}): string {
  return [
    `name: ${o.name ?? 'reliability'}`,
    `models: [${(o.models ?? [DEMO_MODEL]).map((m) => JSON.stringify(m)).join(', ')}]`,
    `tasks: [${(o.tasks ?? ['cola']).join(', ')}]`,
    `methods: [${(o.methods ?? ['vanilla', 'lora']).join(', ')}]`,
    `n: [${(o.n ?? [2]).join(', ')}]`,
    `seeds: ${o.seeds ?? 2}`,
    `training: { epochs: ${o.epochs ?? 2}, batchSize: ${o.batchSize ?? 2}, maxLength: ${o.maxLength ?? 32}, lr: ${o.lr ?? '1.0e-4'} }`,
    `evaluation: { maxExamples: ${o.evalExamples ?? 16}, batchSize: ${o.evalBatch ?? 4} }`,
    o.patterns ?? 'patterns:\n  cola: { pattern: "{sentence} ?", verbalizers: { unacceptable: " No", acceptable: " Yes" } }',
    o.extra ?? '',
    '',
  ].join('\n');
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
