// Small experiments for orchestration tests: a temp folder with a model folder (config.json only:
// the scripted trial never loads weights) and an experiment file over it.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TrialRecord } from '../../../../protocol/results';
import { Runner, type RunnerOptions } from '../../../../server/runner';
import { TEST_TRIAL_MODULE_ENV } from '../../../../server/trainer/loadTrialFunction';
import { SCRIPT_ENV, type TrialScript } from './scriptedTrial';

export const SCRIPTED_TRIAL = resolve(__dirname, 'scriptedTrial.ts');

export interface Workspace {
  dir: string;
  resultsDir: string;
  experimentPath: string;
  logFile: string;
}

export function makeWorkspace(options: { name?: string; methods?: string[]; n?: number[]; seeds?: number } = {}): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'ftlab-runner-'));
  mkdirSync(join(dir, 'model'));
  writeFileSync(
    join(dir, 'model', 'config.json'),
    JSON.stringify({ model_type: 'opt', hidden_size: 16, num_hidden_layers: 2, max_position_embeddings: 2048 }),
  );
  const experimentPath = join(dir, 'exp.ftlab.yaml');
  writeFileSync(
    experimentPath,
    [
      `name: ${options.name ?? 'orchestration'}`,
      'models: [./model]',
      'tasks: [cola]',
      `methods: [${(options.methods ?? ['vanilla', 'pbft']).join(', ')}]`,
      `n: [${(options.n ?? [2, 4]).join(', ')}]`,
      `seeds: ${options.seeds ?? 2}`,
      '',
    ].join('\n'),
  );
  return { dir, resultsDir: join(dir, 'runs'), experimentPath, logFile: join(dir, 'trials.log') };
}

export function scriptEnv(script: TrialScript): NodeJS.ProcessEnv {
  return { ...process.env, [TEST_TRIAL_MODULE_ENV]: SCRIPTED_TRIAL, [SCRIPT_ENV]: JSON.stringify(script) };
}

export function scriptedRunner(script: TrialScript, options: RunnerOptions = {}): Runner {
  return new Runner({ env: scriptEnv(script), ...options });
}

/** Every line of every trial log in a run folder, parsed; torn lines are skipped. */
export function storeRecords(runDir: string, file = 'trials.jsonl'): TrialRecord[] {
  let text: string;
  try {
    text = readFileSync(join(runDir, file), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as TrialRecord];
      } catch {
        return [];
      }
    });
}

/** Lines of the scripted trial's log: [pid, event, key, step?]. */
export function trialLog(ws: Workspace): { pid: number; event: string; key: string; step?: number }[] {
  let text = '';
  try {
    text = readFileSync(ws.logFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [pid, event, key, step] = line.split(' ');
      return { pid: Number(pid), event, key, ...(step ? { step: Number(step) } : {}) };
    });
}

export function finishedOnce(records: TrialRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) if (r.status === 'finished') counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
  return counts;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}
