// A whole run in the real workbench (code-server 1.100.3 in Chromium, the extension installed from
// the VSIX): the palette starts a run of a small experiment on the shipped tiny model; the progress
// notification, the status-bar item and the results panel follow it live; a second run is cancelled
// from the notification and resumed (from the "run cancelled" message) without repeating a trial; a
// third is cut off by a window reload, after which the restored panel shows it interrupted and the
// palette's Resume Run finishes it. One workbench serves the three, in order. Every claim the
// UI makes is checked against the run store in the workspace. Screenshots: test-output/e2e/run-*.png
// and after-reload.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot, startCodeServer, type CodeServer } from './lib/codeServer';
import { installedExtensions } from './lib/artifacts';
import { markWindow, readMetricChart, readProgress, readSelectedRun, readTable, readWindowMark } from './lib/resultsPanelView';
import { findRunId, isHeld, meanAccuracyByMethod, readTrials, repeatedKeys, until } from './lib/runStore';
import { openFile, openWorkbench, runCommand, screenshot, webviewContent, type Workbench } from './lib/workbench';

const IN_DOMAIN = 'cola-in-domain-dev';
const METHODS = ['vanilla', 'pbft', 'lora', 'icl'];

/** A small comparison: 4 methods × n=2 × `seeds` seeds, a few epochs: ~1–2 s a trial on 2 cores. */
function experiment(name: string, seeds: number, epochs: number): string {
  return `name: ${name}
models: [./models/tiny-opt-demo]
tasks: [cola]
methods:
  vanilla:
  pbft:
  lora:
    r: 4
    alpha: 8
  icl:
n: [2]
seeds: ${seeds}
training:
  epochs: ${epochs}
  batchSize: 8
  lr: 1.0e-4
  maxLength: 64
evaluation:
  maxExamples: 100
  batchSize: 32
patterns:
  cola:
    pattern: "{sentence} ?"
    verbalizers:
      unacceptable: " No"
      acceptable: " Yes"
`;
}

const FILES = {
  'live.ftlab.yaml': experiment('live', 2, 3), // 8 trials
  'stoppable.ftlab.yaml': experiment('stoppable', 3, 4), // 12 trials
  'reloaded.ftlab.yaml': experiment('reloaded', 3, 4), // 12 trials
};

let server: CodeServer;
let workbench: Workbench;
let page: Page;

/** Runs one step; on failure saves a screenshot and appends the code-server log to the error. */
async function step(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    await screenshot(page, `run-flow-${name}-failure`).catch(() => undefined);
    throw new Error(`${(error as Error).message}\n--- code-server log ---\n${server.log().slice(-3000)}`, { cause: error });
  }
}


/** The progress notification of a run of `total` trials ("trial 3 of 8 · …"). */
function progressToast(total: number) {
  return page.locator('.notification-toast', { hasText: new RegExp(`trial \\d+ of ${total}\\b`) });
}

function statusItem() {
  return page.locator('.statusbar-item', { hasText: 'Fine-Tune Lab' }).first();
}

const panel = () => webviewContent(page);

/** Waits until the panel shows run `runId` in `state`. */
async function panelShows(runId: string, state: string, timeoutMs = 90_000) {
  return until(
    `the results panel to show run ${runId} ${state}`,
    async () => {
      const selected = await readSelectedRun(panel());
      const progress = await readProgress(panel());
      return selected.startsWith(`${runId} |`) && progress?.state === state ? progress : undefined;
    },
    timeoutMs,
  );
}

/** Starts the palette's Resume Run and picks `runId` among the unfinished runs. */
async function resume(runId: string): Promise<void> {
  await runCommand(page, 'Fine-Tune Lab: Resume Run');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: runId });
  await row.waitFor({ timeout: 30_000 });
  await row.click();
}

/** Every trial of the run is in the store, finished, exactly once. */
function assertCompleteStore(runId: string, total: number): void {
  const trials = readTrials(server.workspace, runId);
  assert.deepEqual(repeatedKeys(trials), [], 'no trial was trained twice');
  assert.equal(trials.length, total, `${runId} holds all ${total} trials`);
  assert.ok(trials.every((t) => t.status === 'finished'), 'every trial finished');
}

describe('a whole run in the real workbench', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startCodeServer({
      extensionsFrom: installedExtensions(),
      files: FILES,
      settings: { 'ftlab.executionProvider': 'cpu' },
    });
    cpSync(join(repoRoot, 'models', 'tiny-opt-demo'), join(server.workspace, 'models', 'tiny-opt-demo'), { recursive: true });
    workbench = await openWorkbench(server);
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close().catch(() => undefined);
    await server?.stop();
  });

  it('runs from the palette with progress, status bar and a panel that fills in live', async () => {
    await step('live', async () => {
      await openFile(page, 'live.ftlab.yaml');
      await runCommand(page, 'Fine-Tune Lab: Run Fine-Tune Comparison');
      const runId = await until('the run folder of live.ftlab.yaml', () => findRunId(server.workspace, 'live'), 60_000);

      // The notification names the current trial and, once a trial has timed the rest, the ETA.
      const toastText = await until(
        'the progress notification with the current trial and an ETA',
        async () => {
          const text = (await progressToast(8).first().innerText({ timeout: 1000 })).replace(/\s+/g, ' ');
          return /trial \d+ of 8 · (vanilla|pbft|lora|icl) n=2 seed \d+(, epoch \d\/3)? · about \d+ s left/.test(text) ? text : undefined;
        },
        60_000,
      );
      assert.match(toastText, /Fine-Tune Lab/);
      await until('the status-bar item to count trials', async () => /Fine-Tune Lab \d+\/8/.test(await statusItem().innerText()));

      // The panel opened by itself; mark its window to show that what follows arrives without a reload.
      await panel().locator('[data-progress]').waitFor({ timeout: 60_000 });
      await markWindow(panel(), runId);
      const live = await until(
        'finished trials in the panel while the run still goes',
        async () => {
          const progress = await readProgress(panel());
          const seeds = (await readTable(panel(), IN_DOMAIN)).reduce((sum, c) => sum + c.seeds, 0);
          return progress?.state === 'running' && seeds >= 2 ? { progress, seeds } : undefined;
        },
        90_000,
      );
      assert.match(live.progress.text, /Running · \d+ \/ 8 trials done/);
      const chart = await readMetricChart(panel(), `metric-${IN_DOMAIN}`);
      assert.ok(chart.length >= 1, 'the metric chart already has a line while the run goes');
      await screenshot(page, 'run-live');

      const finished = await panelShows(runId, 'finished');
      assert.match(finished.text, /Finished · 8 \/ 8 trials done/);
      assert.equal(await readWindowMark(panel()), runId, 'the panel updated in place, never reloaded');
      await page.locator('.notification-toast', { hasText: 'run finished, 8 of 8 trials finished' }).waitFor({ timeout: 30_000 });
      await until('the status-bar item to leave the run', async () => !/\d+\/8/.test(await statusItem().innerText()));

      // What the table and the chart hold is what the store holds.
      assertCompleteStore(runId, 8);
      const expected = meanAccuracyByMethod(readTrials(server.workspace, runId), IN_DOMAIN);
      assert.deepEqual([...expected.keys()].sort(), [...METHODS].sort());
      const table = await readTable(panel(), IN_DOMAIN);
      const lines = await readMetricChart(panel(), `metric-${IN_DOMAIN}`);
      for (const [method, { mean, count }] of expected) {
        const cell = table.find((c) => c.method === method && c.n === 2);
        assert.ok(cell, `table cell for ${method}`);
        assert.equal(cell.seeds, count);
        assert.ok(Math.abs(cell.mean! - mean) < 1e-9, `${method}: table mean ${cell.mean} vs store ${mean}`);
        const point = lines.find((l) => l.method === method)?.points.find((p) => p.x === 2);
        assert.ok(point, `chart point for ${method}`);
        assert.ok(Math.abs(point.y - mean) < 1e-9, `${method}: chart mean ${point.y} vs store ${mean}`);
        assert.equal(point.count, count);
      }
      await screenshot(page, 'run-finished');
    });
  });

  it('cancel from the notification keeps finished trials; resume finishes without repeating one', async () => {
    await step('cancel', async () => {
      await openFile(page, 'stoppable.ftlab.yaml');
      await runCommand(page, 'Fine-Tune Lab: Run Fine-Tune Comparison');
      const runId = await until('the run folder of stoppable.ftlab.yaml', () => findRunId(server.workspace, 'stoppable'), 60_000);
      // The panel switches to the run that just started.
      await panelShows(runId, 'running', 60_000);
      await until('two stored trials', () => readTrials(server.workspace, runId).length >= 2, 90_000, 100);
      await progressToast(12).locator('.monaco-button', { hasText: 'Cancel' }).click();

      const stopped = await panelShows(runId, 'cancelled', 60_000);
      const kept = readTrials(server.workspace, runId);
      assert.ok(kept.length >= 2 && kept.length < 12, `the cancelled run kept ${kept.length} of 12 trials`);
      assert.deepEqual(repeatedKeys(kept), []);
      assert.match(stopped.text, new RegExp(`Stopped.*Resume Run.*${kept.length} / 12 trials done`));
      assert.match(await readSelectedRun(panel()), new RegExp(`\\(${kept.length}/12 trials, cancelled\\)$`));
      assert.equal(isHeld(server.workspace, runId), false, 'the cancelled run released its lock');
      await until('the status-bar item to leave the run', async () => !/\d+\/12/.test(await statusItem().innerText()));
      await screenshot(page, 'run-cancelled');

      // The notification that says so offers to resume (the palette's way is taken after the reload).
      const said = page.locator('.notification-toast', { hasText: `run cancelled, ${kept.length} of 12 trials finished` });
      await said.locator('.monaco-button', { hasText: 'Resume Run' }).click({ timeout: 30_000 });
      const done = await panelShows(runId, 'finished');
      assert.match(done.text, /12 \/ 12 trials done/);
      assertCompleteStore(runId, 12);
      // The trials kept at the cancel are the first lines of the store, untouched.
      assert.deepEqual(readTrials(server.workspace, runId).slice(0, kept.length), kept);
      await screenshot(page, 'run-resumed');
    });
  });

  it('a window reload mid-run restores the panel with the run stopped, and Resume finishes it', async () => {
    await step('reload', async () => {
      await openFile(page, 'reloaded.ftlab.yaml');
      await runCommand(page, 'Fine-Tune Lab: Run Fine-Tune Comparison');
      const runId = await until('the run folder of reloaded.ftlab.yaml', () => findRunId(server.workspace, 'reloaded'), 60_000);
      await panelShows(runId, 'running', 60_000);
      await until('a stored trial', () => readTrials(server.workspace, runId).length >= 1, 90_000, 100);

      await runCommand(page, 'Developer: Reload Window');
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      // The serializer brings the panel back; with no server left training, the run is stopped.
      const restored = await panelShows(runId, 'interrupted', 90_000);
      const kept = readTrials(server.workspace, runId);
      assert.ok(kept.length >= 1 && kept.length < 12, `the reload left ${kept.length} of 12 trials`);
      assert.match(restored.text, new RegExp(`Interrupted.*Resume Run.*${kept.length} / 12 trials done`));
      assert.match(await readSelectedRun(panel()), /interrupted\)$/);
      // Nothing trains it any more: the reload took the server and its trainer down with it.
      assert.equal(isHeld(server.workspace, runId), false, 'no process holds the run after the reload');
      assert.equal(readTrials(server.workspace, runId).length, kept.length);
      await screenshot(page, 'after-reload');

      await resume(runId);
      await panelShows(runId, 'finished');
      assertCompleteStore(runId, 12);
    });
  });
});
