// Reading Slurm's view of an array job from `scontrol -o show job` output captured from the
// one-node test cluster (fixtures/scontrol-array.txt: task 0 failed with exit 3, task 1 running,
// tasks 2-4 still pending as one record, log paths with a space).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandTaskRange, parseScontrolJobs } from '../../../server/cluster/slurmQueue';

test('task ranges expand as Slurm writes them', () => {
  assert.deepEqual(expandTaskRange('4'), [4]);
  assert.deepEqual(expandTaskRange('0-2'), [0, 1, 2]);
  assert.deepEqual(expandTaskRange('1,3-5'), [1, 3, 4, 5]);
  assert.deepEqual(expandTaskRange('0-6:3'), [0, 3, 6]);
  assert.deepEqual(expandTaskRange('2-4%1'), [2, 3, 4]);
  assert.throws(() => expandTaskRange('x'), /unexpected ArrayTaskId/);
});

test('one status per array task, pending ranges expanded', () => {
  const stdout = readFileSync(join(__dirname, 'fixtures', 'scontrol-array.txt'), 'utf8');
  assert.deepEqual(
    parseScontrolJobs(stdout, '1').map((t) => [t.taskIndex, t.state, t.reason, t.exitCode, t.arrayJobId]),
    [
      [0, 'FAILED', 'NonZeroExitCode', '3:0', '1'],
      [1, 'RUNNING', 'None', '0:0', '1'],
      [2, 'PENDING', 'Resources', '0:0', '1'],
      [3, 'PENDING', 'Resources', '0:0', '1'],
      [4, 'PENDING', 'Resources', '0:0', '1'],
    ],
  );
});

test('records that are not array tasks are ignored', () => {
  assert.deepEqual(parseScontrolJobs('JobId=9 JobName=x JobState=RUNNING ExitCode=0:0\n\n', '9'), []);
});
