// The bench's workloads on OPT-125M- and OPT-350M-shaped models (models.json: Hugging Face
// config.json objects both sides parse; random init, since a step's cost does not depend on the
// weights). `--tiny` swaps in 2-layer models of the same two layouts for development runs. Last, the
// language server's diagnostics latency while it trains, which needs no model and no reference.
import { readFileSync } from 'node:fs';

const models = JSON.parse(readFileSync(new URL('./models.json', import.meta.url), 'utf8'));

/** [{ label, workload, model }] in run order; the lsp workload has no model. */
export function workloadList(tiny) {
  const s = tiny ? 'tiny-pre' : 'opt-125m'; // pre-norm, the opt-125m layout
  const l = tiny ? 'tiny-post' : 'opt-350m'; // post-norm with project_in/out, the opt-350m layout
  return [
    { label: `${s} full`, workload: 'full', model: models[s] },
    { label: `${s} pbft`, workload: 'pbft', model: models[s] },
    { label: `${s} lora`, workload: 'lora', model: models[s] },
    { label: `${s} eval`, workload: 'eval', model: models[s] },
    { label: `${l} full`, workload: 'full', model: models[l] },
    // No model of its own: the language server's responsiveness while it trains (bench/lspWorkload.mjs).
    { label: 'lsp diagnostics', workload: 'lsp' },
  ];
}
