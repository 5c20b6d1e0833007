// The pure parts of the webview, in node: statistics against closed forms, the per-cell
// aggregation and the table export against values computed here from the fixture, the Pareto
// front against a brute-force definition.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { METHOD_IDS } from '../../protocol/results';
import { buildRunView, upsertTrial } from '../../webview/aggregate';
import { paretoFront } from '../../webview/charts/cost';
import { exportRows, toCsv, toJson } from '../../webview/exportTable';
import { studentTCdf, studentTQuantile, summarize } from '../../webview/stats';
import { close, expectedCell, loadFixture, t975 } from './fixture';

const { trials } = loadFixture();
const MODEL = 'facebook/opt-125m';

test('Student t quantiles match the closed forms for 1 and 2 degrees of freedom and the normal limit', () => {
  assert.ok(close(studentTQuantile(0.975, 1), t975(1), 1e-12));
  assert.ok(close(studentTQuantile(0.975, 2), t975(2), 1e-12));
  // Large df tends to the normal quantile 1.959964.
  assert.ok(Math.abs(studentTQuantile(0.975, 1e7) - 1.959963984540054) < 1e-6);
  // CDF and quantile are inverses for an arbitrary df.
  assert.ok(close(studentTCdf(studentTQuantile(0.9, 7.5), 7.5), 0.9, 1e-12));
});

test('summarize: sample std, CI, and what fewer than two values give', () => {
  const s = summarize([1, 2, 3, 4]);
  assert.equal(s.mean, 2.5);
  assert.ok(close(s.std, Math.sqrt(5 / 3), 1e-15));
  assert.deepEqual(summarize([]).count, 0);
  const one = summarize([0.7, NaN]);
  assert.equal(one.count, 1);
  assert.equal(one.mean, 0.7);
  assert.ok(Number.isNaN(one.std) && Number.isNaN(one.ciLow));
});

test('every cell of the fixture has the mean, std and CI computed independently from the records', () => {
  for (const model of [MODEL, 'facebook/opt-350m']) {
    const view = buildRunView(trials, model, 'cola');
    assert.deepEqual(view.methods, METHOD_IDS);
    assert.deepEqual(view.ns, [2, 16, 32]);
    assert.deepEqual(
      view.evalSets.map((s) => [s.name, s.role]),
      [
        ['cola-in-domain-dev', 'in-domain'],
        ['cola-ood-dev', 'ood'],
      ],
    );
    for (const method of view.methods) {
      for (const n of view.ns) {
        for (const evalSet of ['cola-in-domain-dev', 'cola-ood-dev']) {
          for (const metric of ['accuracy', 'mcc', 'macroF1'] as const) {
            const want = expectedCell(trials, { model, method, n, evalSet, metric });
            const got = view.cell(method, n, evalSet)!;
            const s = got.metrics[metric];
            const where = `${model} ${method} n=${n} ${evalSet} ${metric}`;
            assert.equal(s.count, want.seeds, where);
            assert.equal(got.failed.length, want.failed, where);
            assert.ok(close(s.mean, want.mean, 1e-12), where);
            assert.ok(close(s.std, want.std, 1e-12), where);
            assert.ok(close(s.ciLow, want.ciLow, 1e-10) && close(s.ciHigh, want.ciHigh, 1e-10), where);
          }
        }
      }
    }
  }
});

test('the failed trial is counted in its cell, listed in failures, and left out of the mean', () => {
  const view = buildRunView(trials, MODEL, 'cola');
  assert.equal(view.failures.length, 1);
  assert.equal(view.failures[0]!.error?.step, 12);
  const cell = view.cell('lora', 2, 'cola-in-domain-dev')!;
  assert.equal(cell.failed.length, 1);
  assert.equal(cell.metrics.accuracy.count, 2);
  assert.equal(buildRunView(trials, 'facebook/opt-350m', 'cola').failures.length, 0);
});

test('costs are means over finished trials; trainable parameters are per method', () => {
  const view = buildRunView(trials, MODEL, 'cola');
  const finished = trials.filter((t) => t.config.model === MODEL && t.config.method === 'lora' && t.config.n === 2 && t.status === 'finished');
  const cost = view.cost('lora', 2)!;
  assert.ok(close(cost.wallTimeS.mean, finished.reduce((a, t) => a + t.wallTimeS, 0) / finished.length, 1e-12));
  assert.equal(cost.trainableParams, finished[0]!.trainableParams);
  assert.equal(view.cost('icl', 16)!.trainableParams, 0);
});

test('upsertTrial appends new keys and replaces a retried key', () => {
  const extra = { ...trials[0]!, key: 'new' };
  assert.equal(upsertTrial(trials, extra).length, trials.length + 1);
  const retried = { ...trials[0]!, wallTimeS: 1 };
  const replaced = upsertTrial(trials, retried);
  assert.equal(replaced.length, trials.length);
  assert.equal(replaced[0]!.wallTimeS, 1);
});

test('paretoFront keeps exactly the points no other point dominates, sorted by x', () => {
  const points = [
    { x: 1, y: 0.5 },
    { x: 2, y: 0.7 },
    { x: 2, y: 0.6 },
    { x: 3, y: 0.7 },
    { x: 4, y: 0.9 },
    { x: 0.5, y: 0.2 },
  ];
  assert.deepEqual(paretoFront(points), [5, 0, 1, 4]);
  // Brute force on random points: a point is on the front iff nothing dominates it.
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const cloud = Array.from({ length: 60 }, () => ({ x: rand(), y: rand() }));
  const front = new Set(paretoFront(cloud));
  cloud.forEach((p, i) => {
    const dominated = cloud.some((q) => q.x <= p.x && q.y >= p.y && (q.x < p.x || q.y > p.y));
    assert.equal(front.has(i), !dominated);
  });
});

test('the CSV and JSON exports hold the table at full precision', () => {
  const view = buildRunView(trials, MODEL, 'cola');
  const rows = exportRows(view, view.evalSets);
  assert.equal(rows.length, 2 * 6 * 3 * 3);
  const csv = toCsv(rows).trimEnd().split('\n');
  assert.equal(csv[0], 'model,task,evalSet,role,method,n,metric,seeds,failedTrials,mean,std,ci95Low,ci95High,majority');
  const lora = csv.find((l) => l.startsWith('facebook/opt-125m,cola,cola-in-domain-dev,in-domain,lora,2,accuracy,'))!.split(',');
  const want = expectedCell(trials, { model: MODEL, method: 'lora', n: 2, evalSet: 'cola-in-domain-dev', metric: 'accuracy' });
  assert.equal(Number(lora[7]), 2);
  assert.equal(Number(lora[8]), 1);
  assert.ok(close(Number(lora[9]), want.mean, 1e-15) && close(Number(lora[10]), want.std, 1e-15));
  const json = JSON.parse(toJson('synthetic-run', rows)) as { runId: string; rows: typeof rows };
  assert.equal(json.runId, 'synthetic-run');
  assert.deepEqual(json.rows, rows);
});

test('CSV fields that a spreadsheet would run as formulas stay text', () => {
  const view = buildRunView(
    trials.map((t) => ({ ...t, config: { ...t.config, model: '=HYPERLINK("http://x")' } })),
    '=HYPERLINK("http://x")',
    'cola',
  );
  const line = toCsv(exportRows(view, view.evalSets)).split('\n')[1]!;
  assert.ok(line.startsWith(`"'=HYPERLINK(""http://x"")",cola,`), line);
});
