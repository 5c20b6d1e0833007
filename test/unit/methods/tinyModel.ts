// A model folder for method tests: the reference fixture's tiny OPT (vocab 512) with the tiny
// byte-level tokenizer it was made for, in a temp folder (config + weights + tokenizer files).
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExperiment } from '../../../server/core/experiment';
import type { ExperimentSpec } from '../../../protocol/experiment';

export const repoRoot = join(__dirname, '../../..');
const ref = join(repoRoot, 'test/fixtures/reference');

export function tinyModelDir(layout: 'prenorm' | 'postnorm' = 'prenorm'): string {
  const dir = mkdtempSync(join(tmpdir(), 'ftlab-tiny-'));
  copyFileSync(join(ref, `tiny-opt-${layout}/config.json`), join(dir, 'config.json'));
  copyFileSync(join(ref, `tiny-opt-${layout}/model.safetensors`), join(dir, 'model.safetensors'));
  for (const f of ['vocab.json', 'merges.txt', 'tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(ref, 'tokenizer', f), join(dir, f));
  return dir;
}

/** A small CoLA experiment on the tiny model; verbalizers are single tokens of the tiny vocabulary. */
export function tinySpec(modelDir: string, extra = ''): ExperimentSpec {
  const text = `
name: methods-test
models: [${JSON.stringify(modelDir)}]
tasks: [cola]
methods: [vanilla, pbft, adaptive, lora, distill, icl]
n: [2]
seeds: 1
training: { epochs: 2, batchSize: 4, lr: 1.0e-3, maxLength: 32 }
evaluation: { maxExamples: 24, batchSize: 8 }
patterns:
  cola:
    pattern: "{sentence} ?"
    verbalizers: { unacceptable: " it", acceptable: " the" }
${extra}`;
  const parsed = parseExperiment(text, { filePath: join(modelDir, 'test.ftlab.yaml') });
  const errors = parsed.diagnostics.filter((d) => d.severity === 1);
  if (!parsed.spec || errors.length) throw new Error(`test spec invalid: ${errors.map((d) => d.message).join('; ')}`);
  return parsed.spec;
}
