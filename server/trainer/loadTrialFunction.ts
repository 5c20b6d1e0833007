// Where the trainer gets the per-trial training function. In the product it is always
// server/core/train/trial.ts (bundled into dist/trainer.js). Orchestration tests need a trial that
// is quick and can be told to crash, hang or produce NaN on purpose, so they name a module of
// their own in FTLAB_TEST_TRIAL_MODULE (an absolute path exporting `runTrial`). That variable is
// the only seam; it is documented here and in the runner tests, and nothing ships that sets it.

import { pathToFileURL } from 'node:url';
import type { TrialFunction } from '../runner/trialContract';

export const TEST_TRIAL_MODULE_ENV = 'FTLAB_TEST_TRIAL_MODULE';

export async function loadTrialFunction(env: NodeJS.ProcessEnv = process.env): Promise<TrialFunction> {
  const testModule = env[TEST_TRIAL_MODULE_ENV];
  const loaded = (testModule ? await import(pathToFileURL(testModule).href) : await import('../core/train/trial')) as {
    runTrial?: unknown;
  };
  if (typeof loaded.runTrial !== 'function') {
    throw new Error(`${testModule ?? 'server/core/train/trial'} does not export a runTrial function`);
  }
  return loaded.runTrial as TrialFunction;
}
