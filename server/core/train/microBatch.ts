// How many examples go through one forward/backward pass. The effective batch (an optimizer step)
// is the spec's batchSize either way; splitting it only trades memory for time (the engine
// normalizes the loss over the whole batch, so the update is the same).
import { freemem } from 'node:os';
import type { OptConfig } from '../model/config';

/** A rough upper bound of the activation memory one example of length T needs in a training step. */
export function activationBytesPerExample(c: OptConfig, seq: number): number {
  const perLayer = seq * (c.hiddenSize * 12 + c.ffnDim * 3) + c.numHeads * seq * seq * 4;
  return 4 * (c.numLayers * perLayer + seq * c.wordEmbedProjDim * 4);
}

export function chooseMicroBatch(
  c: OptConfig,
  seq: number,
  batch: number,
  setting: number | 'auto',
  budgetMB: number | 'auto',
  paramBytes: number,
): number {
  if (setting !== 'auto') return Math.max(1, Math.min(setting, batch));
  const budget = budgetMB === 'auto' ? freemem() * 0.6 : budgetMB * 1024 * 1024;
  // Parameters, gradients and two AdamW moments stay resident whatever the micro-batch.
  const free = budget - 4 * paramBytes;
  const fit = Math.floor(free / activationBytesPerExample(c, seq));
  return Math.max(1, Math.min(batch, fit));
}
