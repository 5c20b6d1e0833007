// `ftlab run` and `ftlab report` with the real training code (server/core/train/trial.ts, real
// onnxruntime in the trainer process) on the shipped tiny demo model: a small grid trains, the
// store holds complete records, and the report tables them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readRunTrials } from '../../server/core/experiment';
import { runCliProcess } from './lib/cliProcess';

const DEMO_MODEL = resolve(__dirname, '..', '..', 'models', 'tiny-opt-demo');

test('a small grid trains for real in the trainer process and reports', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftlab-real-'));
  writeFileSync(
    join(dir, 'small.ftlab.yaml'),
    [
      'name: real small',
      `models: [${DEMO_MODEL}]`,
      'tasks: [cola]',
      'methods: [vanilla, icl]',
      'n: [2]',
      'seeds: 2',
      'training: { epochs: 2, batchSize: 4, maxLength: 48 }',
      'evaluation: { maxExamples: 16, batchSize: 16 }',
      'patterns:',
      '  cola: { pattern: "{sentence} ?", verbalizers: { unacceptable: " No", acceptable: " Yes" } }',
      '',
    ].join('\n'),
  );
  // The real training code: no test trial module, whatever the calling environment says.
  const env: NodeJS.ProcessEnv = { ...process.env, FTLAB_RESULTS_DIR: join(dir, 'runs'), FTLAB_TEST_TRIAL_MODULE: '' };
  const run = await runCliProcess(['run', 'small.ftlab.yaml', '--provider', 'cpu', '--threads', '1'], { cwd: dir, env });
  assert.equal(run.code, 0, run.stdout + run.stderr);

  const runDir = join(dir, 'runs', readdirSync(join(dir, 'runs'))[0]);
  const { trials, warnings } = readRunTrials(runDir);
  assert.deepEqual(warnings, []);
  assert.equal(trials.length, 4);
  for (const t of trials) {
    assert.equal(t.status, 'finished');
    assert.equal(t.provider, 'cpu');
    assert.deepEqual(Object.keys(t.metrics).sort(), ['cola-in-domain-dev', 'cola-ood-dev']);
    assert.equal(t.metrics['cola-in-domain-dev'].count, 16);
    if (t.config.method === 'vanilla') {
      assert.equal(t.trainLoss.length, 2, 'a mean loss per epoch');
      assert.ok(t.trainableParams > 0);
    } else {
      assert.deepEqual(t.trainLoss, []);
      assert.equal(t.trainableParams, 0);
    }
  }

  const report = await runCliProcess(['report'], { cwd: dir, env });
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /cola · cola-in-domain-dev \(in-domain\)\nmethod +n=2\nVanilla FT +\d\.\d{3} ± \d\.\d{3}\nIn-context learning +\d\.\d{3} ± \d\.\d{3}\nMajority class +\d\.\d{3}/);
});
