// The bench's start-up agreement check on our side: our forward (the Evaluator, eval mode) on each
// fixture model of test/fixtures/reference against the goldens Hugging Face produced — the same
// goldens reference_opt.py checks itself against, so both sides of the bench compute the same
// function. Prints one JSON line per case with the worst absolute logit errors.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readOptConfig } from '../server/core/model/config';
import { decoderFeeds } from '../server/core/model/optBatch';
import { paramsFromTensors, SCORE } from '../server/core/model/optParams';
import { modelParameterShapes, type OptModelSpec } from '../server/core/model/optSpec';
import { loadCheckpoint, readSafetensors } from '../server/core/model/weights';
import { Evaluator, paramTensors } from '../server/core/runtime/evaluator';
import type { Readout } from '../server/core/runtime/objective';
import { float32Tensor, floatData, int64Tensor } from '../server/core/runtime/tensors';

const readout: Readout = {
  key: 'bench-check',
  outputs: (v) => ({ lm: v.lmLogits(), cls: v.classLogits() }), // [B*T, V], [B, labels]
};

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Model cases: folders with config.json, model.safetensors and golden.safetensors. */
export function modelCases(root: string): string[] {
  return readdirSync(root)
    .map((n) => join(root, n))
    .filter((d) => ['config.json', 'model.safetensors', 'golden.safetensors'].every((f) => existsSync(join(d, f))))
    .sort();
}

export async function checkCase(dir: string): Promise<{ case: string; lm_max_err: number; cls_max_err: number }> {
  const config = await readOptConfig(join(dir, 'config.json'));
  const golden = readSafetensors(join(dir, 'golden.safetensors'));
  const numLabels = (JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as { num_labels: number }).num_labels;
  const spec: OptModelSpec = { config, numLabels };
  const get = (n: string) => {
    const t = golden.get(n);
    if (!t) throw new Error(`${dir}: golden has no ${n}`);
    return t;
  };
  const ckpt = loadCheckpoint(dir);
  ckpt.tensors.set(SCORE, { shape: get('cls.score.weight').shape, data: get('cls.score.weight').data as Float32Array });
  const values = paramsFromTensors(ckpt.tensors, modelParameterShapes(spec), dir);

  const [b, t] = get('input_ids').shape;
  const d = decoderFeeds(
    { batch: b, seq: t, inputIds: get('input_ids').data as BigInt64Array, attentionMask: get('attention_mask').data as BigInt64Array },
    config.padTokenId,
  );
  const ev = await Evaluator.create(spec, readout, b, t, { provider: 'cpu', threads: 1 });
  const out = await ev.run(paramTensors(spec, values), {
    input_ids: int64Tensor(d.input_ids, [b, t]),
    position_ids: int64Tensor(d.position_ids, [b, t]),
    key_mask: float32Tensor(d.key_mask, [b, t]),
    last_token_row: int64Tensor(d.last_token_row, [b]),
  });
  return {
    case: dir,
    lm_max_err: maxAbsDiff(floatData(out.lm), get('lm.logits').data as Float32Array),
    cls_max_err: maxAbsDiff(floatData(out.cls), get('cls.logits').data as Float32Array),
  };
}
