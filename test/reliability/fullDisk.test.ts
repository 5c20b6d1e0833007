// A full disk under a real run: the results folder is a small tmpfs (mounted by the test; it needs
// root and is skipped, saying so, without it — test/unit/runner covers the same path with /dev/full).
// The disk fills up while `ftlab run` trains; the write that fails (whole or part of a line) stops
// the run with a message that says the disk is full, every record written before stays intact, a
// new run on the full disk is refused without leaving a half-made folder, and once space is freed
// the rerun reports the cut-off line, skips it and finishes the grid without repeating a trial.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expandGrid, loadExperimentFile } from '../../server/core/experiment';
import { buildProduct } from './lib/builtProduct';
import { cliEnv, makeWorkspace } from './lib/experiments';
import { runCli, startCli, waitFor } from './lib/processes';
import { assertCompleteFinished, assertNoFinishedTwice, readStoreLines, runFolders } from './lib/storeCheck';

const product = buildProduct();

function mountTmpfs(dir: string, size: string): string | undefined {
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  return result.status === 0 ? undefined : (result.stderr || result.error?.message || `mount exited ${result.status}`).trim();
}

/** Whether this process may mount a tmpfs (root, or a container that allows it): tried once, undone. */
function tmpfsUnavailable(): string | undefined {
  const probe = mkdtempSync(join(tmpdir(), 'ftlab-tmpfs-probe-'));
  const error = mountTmpfs(probe, '64k');
  if (!error) spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  return error;
}

/** Writes zeros until the filesystem refuses: the disk is now full. */
function fillDisk(file: string): number {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(4096);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    closeSync(fd);
  }
  return written;
}

const mountError = tmpfsUnavailable();

test('the disk fills up mid-run: the run stops and says so, nothing written before is lost, the rerun finishes after space is freed', { skip: mountError && `cannot mount a tmpfs here (${mountError})` }, async () => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'ftlab-tmpfs-'));
  assert.equal(mountTmpfs(mountPoint, '512k'), undefined);
  try {
    const ws = makeWorkspace('full-disk', { methods: ['lora', 'icl'], n: [2, 4], seeds: 3, epochs: 1, evalExamples: 8 });
    const resultsDir = join(mountPoint, 'runs');
    mkdirSync(resultsDir);
    const env = cliEnv(ws, { FTLAB_RESULTS_DIR: resultsDir });
    const args = ['run', ws.experimentPath, '--provider', 'cpu'];
    const cli = startCli(product.cli, args, { cwd: ws.dir, env });
    let exited = false;
    void cli.result.then(() => (exited = true));
    const early = () => exited && assert.fail(`the run ended before the disk filled:\n${cli.output().stdout}\n${cli.output().stderr}`);
    const runDir = await waitFor('the run folder', () => early() || runFolders(resultsDir).map((r) => join(resultsDir, r))[0]);
    const log = join(runDir, 'trials.jsonl');
    await waitFor('two records', () => early() || (existsSync(log) && readFileSync(log, 'utf8').split('\n').length > 2), 60_000);
    const filler = join(mountPoint, 'filler');
    fillDisk(filler);
    const before = readFileSync(log, 'utf8');
    const end = await cli.result;

    assert.equal(end.code, 1, end.stdout + end.stderr);
    assert.match(end.stderr, /error: Could not save trial \S+ to \S+trials\.jsonl: the disk is full \(ENOSPC\)\. Trials saved before it are intact; fix the cause and resume the run\./);
    assert.match(end.stdout, /run \S+ failed: \d+ finished/);
    const after = readFileSync(log, 'utf8');
    assert.ok(after.startsWith(before), 'every byte written before the disk filled is still there');
    const { records, broken } = readStoreLines(runDir);
    assert.ok(broken.every((b) => b.unterminated), 'at most the last line is cut off');
    const expect = { epochs: 1, evalSets: ['cola-in-domain-dev', 'cola-ood-dev'], evalCount: 8 };
    for (const r of records) assertCompleteFinished(r, expect);
    const tornLine = broken.length > 0;
    assert.deepEqual(readdirSync(runDir).filter((f) => f.startsWith('lock')), [], 'the lock is released');

    // A new run on the full disk: refused with the reason, and nothing of it left behind.
    const refused = await runCli(product.cli, [...args, '--new'], { cwd: ws.dir, env });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /(error|ftlab run): Could not (create a run in|write the run's lock) \S+: the disk is full \(ENOSPC\)/);
    assert.deepEqual(readdirSync(resultsDir), [basename(runDir)], 'the refused run left no folder behind');
    assert.deepEqual(readdirSync(runDir).filter((f) => f.endsWith('.tmp')), [], 'no temp files left');

    rmSync(filler);
    const rerun = await runCli(product.cli, args, { cwd: ws.dir, env });
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    assert.match(rerun.stderr, new RegExp(`continuing run ${basename(runDir)}`));
    if (tornLine) assert.match(rerun.stdout + rerun.stderr, /line \d+ is incomplete \(a write cut off by a crash or a full disk\); skipped/);
    const final = readStoreLines(runDir);
    assertNoFinishedTwice(final.records);
    const { spec } = loadExperimentFile(ws.experimentPath);
    const keys = expandGrid(spec!).map((t) => t.key);
    assert.deepEqual([...new Set(final.records.filter((r) => r.status === 'finished').map((r) => r.key))].sort(), keys.sort());
    for (const r of records) assert.ok(final.records.some((f) => f.at.text === r.at.text), `record ${r.key} written before the disk filled is intact`);
    console.log(`full disk: ${records.length} records before the failing write, torn line: ${tornLine}`);
  } finally {
    // Lazily, so a process still holding a file there (a failed test) cannot keep it mounted.
    spawnSync('umount', ['-l', mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  }
});
