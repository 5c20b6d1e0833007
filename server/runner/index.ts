// The run orchestrator: queue runs, start trainer processes, survive their crashes, report progress.
export { Runner, type RunnerOptions, type RunHandle } from './runner';
export {
  defaultResultsDir,
  ExperimentInvalidError,
  prepareNewRun,
  prepareResume,
  type ExecutionOptions,
  type PreparedRun,
  type ResumeRunOptions,
  type StartRunOptions,
} from './prepareRun';
export type { RunnerEvents, RunnerLog, RunnerProgress, RunnerRunState, TrainerStarted } from './events';
export { defaultTrainerEntry, describeExit, type TrainerEntry } from './trainerProcess';
export * from './trialContract';
