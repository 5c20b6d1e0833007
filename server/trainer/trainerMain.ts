// Entry of the trainer process (dist/trainer.js), forked by the runner with an IPC channel
// (protocol/runner.ts). It trains outside the language server's process because onnxruntime's
// session.run blocks the event loop, and so that a native crash takes down only this process: the
// runner then records the trial that was running as crashed and starts a new trainer.
//
// Exit codes: 0 done or cancelled; 1 could not start (the `fatal` message says why);
// 2 the store could not be written; 70 an unexpected error escaped.

import type { AssignMessage, TrainerToRunner } from '../../protocol/runner';
import { isRunnerMessage } from '../../protocol/runner';
import { TrialStoreWriteError } from '../core/experiment';
import { loadTrialFunction } from './loadTrialFunction';
import { TrainerLoop, type TrainerChannel } from './trainerLoop';

const controller = new AbortController();

const channel: TrainerChannel = {
  send: (message: TrainerToRunner) => {
    if (process.connected) process.send?.(message);
  },
  connected: () => process.connected === true,
};

/** Sends a last message, then exits once it has been handed to the channel. */
function finish(code: number, last?: TrainerToRunner): void {
  if (last && process.connected) {
    process.send?.(last, undefined, {}, () => process.exit(code));
    // If the channel never flushes (the runner is gone), do not linger.
    setTimeout(() => process.exit(code), 2000).unref();
  } else {
    process.exit(code);
  }
}

let assigned = false;

async function runAssignment(assign: AssignMessage): Promise<void> {
  let runTrial;
  try {
    runTrial = await loadTrialFunction();
  } catch (error) {
    finish(1, { type: 'fatal', message: `the training code could not be loaded: ${(error as Error).message}`, code: 'load' });
    return;
  }
  try {
    const state = await new TrainerLoop(assign, runTrial, channel, controller.signal).run();
    finish(0, { type: 'runFinished', state });
  } catch (error) {
    if (error instanceof TrialStoreWriteError) {
      finish(2, { type: 'fatal', message: error.message, code: error.code ?? 'store' });
      return;
    }
    throw error;
  }
}

process.on('message', (message: unknown) => {
  if (!isRunnerMessage(message)) return;
  if (message.type === 'cancel') {
    controller.abort('cancelled');
    return;
  }
  if (assigned) return; // one assignment per trainer process
  assigned = true;
  void runAssignment(message).catch((error: unknown) => {
    finish(70, { type: 'fatal', message: `unexpected trainer error: ${(error as Error)?.stack ?? String(error)}` });
  });
});

// The runner died (kill -9 of the language server or the CLI): stop after the current step and
// write nothing more, since a new runner may already be running the same trials.
process.on('disconnect', () => {
  controller.abort('runner gone');
  if (!assigned) process.exit(0);
});

// Ctrl-C in a terminal reaches every process of the foreground group, this one included: the
// runner decides what it means (stop after the current step), so the trainer ignores it. SIGTERM
// (e.g. Slurm's scancel, sent to the whole job step) asks for the same orderly stop.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => controller.abort('terminated'));

process.on('uncaughtException', (error) => {
  finish(70, { type: 'fatal', message: `unexpected trainer error: ${error.stack ?? error.message}` });
});

if (!process.send) {
  console.error('dist/trainer.js is started by the Fine-Tune Lab runner (with an IPC channel), not by hand.');
  process.exit(1);
}
channel.send({ type: 'ready', pid: process.pid });
