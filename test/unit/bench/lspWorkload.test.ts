// The bench's lsp workload summary (bench/lspWorkload.mjs): nearest-rank percentiles and the
// busy / idle ratios its table and JSON line print, and an empty row (with the error) when the
// measuring child failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// A plain-node module without type declarations: imported by URL, so the type checker leaves it be.
const MODULE = pathToFileURL(join(__dirname, '..', '..', '..', 'bench', 'lspWorkload.mjs')).href;
const load = async () => (await import(MODULE)) as {
  percentile(values: number[], p: number): number | null;
  lspRow(label: string, result: unknown, context: { threads: number; load: number; error?: string }): Record<string, unknown>;
};

test('percentiles are nearest-rank, of unsorted values', async () => {
  const { percentile } = await load();
  const twenty = Array.from({ length: 20 }, (_, i) => 20 - i);
  assert.equal(percentile(twenty, 50), 10);
  assert.equal(percentile(twenty, 95), 19);
  assert.equal(percentile([7], 95), 7);
  assert.equal(percentile([], 50), null);
});

test('the row holds medians, p95s and busy / idle, the idle phase being the reference', async () => {
  const { lspRow } = await load();
  const result = { workload: 'lsp', idle_ms: [12, 10, 11.04, 30], busy_ms: [40, 22, 24, 90], debounce_ms: 200, file_kb: 213, training_throughout: true, trials_during_busy: 1 };
  const row = lspRow('lsp diagnostics', result, { threads: 2, load: 0.5 });
  assert.deepEqual(
    [row.idle_median_ms, row.idle_p95_ms, row.busy_median_ms, row.busy_p95_ms, row.ratio, row.ratio_p95, row.edits, row.errors],
    [11, 30, 24, 90, 2.182, 3, 4, []],
  );
  const failed = lspRow('lsp diagnostics', undefined, { threads: 2, load: 0.5, error: 'lsp: exited with 1' });
  assert.deepEqual([failed.idle_median_ms, failed.ratio, failed.edits, failed.errors], [null, null, 0, ['lsp: exited with 1']]);
});
