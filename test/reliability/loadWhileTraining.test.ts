// Load on the real language server: while it trains (its trainer process busy on onnxruntime), a
// user types in a large experiment file, and a second run is started. Diagnostics keep coming for
// every edit (their latency beyond the 200 ms debounce is printed — a measurement, not asserted),
// and the second run waits in the queue until the first has finished: no trial of it starts before.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startRunRequest } from '../../protocol/lsp';
import { DIAGNOSTICS_DEBOUNCE_MS } from '../../server/lsp/diagnosticScheduler';
import { largeExperimentText } from '../support/experimentText';
import { DEMO_MODEL } from './lib/builtProduct';
import { experimentYaml, makeWorkspace } from './lib/experiments';
import { startLspSession } from './lib/lspSession';

const DEBOUNCE_MS = DIAGNOSTICS_DEBOUNCE_MS;

/** The ~200 KB file typed in (the bench's lsp workload measures the same one). */
const largeExperiment = (edit: number) => largeExperimentText(edit, [DEMO_MODEL]);

test('typing in a large experiment file while a run trains: diagnostics for every edit; a second run waits in the queue', async () => {
  const ws = makeWorkspace('load', { methods: ['vanilla', 'lora'], n: [2, 4], seeds: 2, epochs: 4 });
  const second = join(ws.dir, 'second.ftlab.yaml');
  writeFileSync(second, experimentYaml({ name: 'second', methods: ['lora'], n: [2], seeds: 2, epochs: 1 }));
  const session = await startLspSession({ workspace: ws.dir });
  try {
    const first = await session.connection.sendRequest(startRunRequest, { experimentUri: pathToFileURL(ws.experimentPath).toString() });
    const queued = await session.connection.sendRequest(startRunRequest, { experimentUri: pathToFileURL(second).toString() });
    await session.waitProgress((p) => p.runId === queued.runId && p.state === 'queued');
    await session.waitProgress((p) => p.runId === first.runId && p.phase === 'train');

    const uri = pathToFileURL(join(ws.dir, 'large.ftlab.yaml')).toString();
    const latencies: number[] = [];
    await session.open(uri, 'ftlab-experiment', largeExperiment(0), 1);
    await session.nextDiagnostics(uri, 1);
    for (let version = 2; version <= 16 && !session.finished.some((f) => f.runId === first.runId); version++) {
      const published = session.nextDiagnostics(uri, version);
      const sent = performance.now();
      await session.change(uri, largeExperiment(version), version);
      const { diagnostics } = await published;
      latencies.push(performance.now() - sent - DEBOUNCE_MS);
      assert.deepEqual(diagnostics.filter((d) => d.severity === 1), [], `edit ${version} is a valid file`);
    }
    const trainingWhileTyping = !session.finished.some((f) => f.runId === first.runId);
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      `diagnostics latency beyond the debounce while training (${(largeExperiment(0).length / 1024).toFixed(0)} KB file, ${latencies.length} edits${trainingWhileTyping ? '' : ', the run ended during the edits'}): ` +
        `median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`,
    );
    assert.ok(latencies.length >= 3, 'several edits were checked while the run trained');

    assert.equal((await session.waitFinished(first.runId, 120_000)).state, 'finished');
    assert.equal((await session.waitFinished(queued.runId, 120_000)).state, 'finished');
    const order = session.trials.map((t) => t.runId);
    const lastOfFirst = order.lastIndexOf(first.runId);
    const firstOfSecond = order.indexOf(queued.runId);
    assert.ok(lastOfFirst < firstOfSecond, `every trial of the first run before any of the second: ${order.join(', ')}`);
    const startedSecond = session.progress.findIndex((p) => p.runId === queued.runId && p.current !== undefined);
    const endOfFirst = session.progress.findIndex((p) => p.runId === first.runId && p.finishedTrials + p.failedTrials === p.totalTrials);
    assert.ok(startedSecond > endOfFirst, 'the second run started training only after the first had finished');
  } finally {
    await session.shutdown();
  }
});
