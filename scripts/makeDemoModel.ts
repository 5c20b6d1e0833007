// Makes the built-in demo model, models/tiny-opt-demo: a tiny OPT (2 layers, hidden 48) with the
// real OPT tokenizer, pretrained from random init with this project's own engine (causal-LM loss,
// AdamW) on the shipped text (CoLA's training sentences and MNLI train-pool pairs; no dev or test
// text). Run: npx tsx scripts/makeDemoModel.ts [steps]   (about 10 minutes on 2 cores)
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readColaTsv } from '../server/core/data/cola';
import { readMnliTrainPool } from '../server/core/data/mnli';
import { parseOptConfig } from '../server/core/model/config';
import { decoderFeeds, lmLabelsFromBatch, shiftedLmLabels, type TokenBatch } from '../server/core/model/optBatch';
import { optParameterShapes, type ParamValues } from '../server/core/model/optParams';
import { Rng } from '../server/core/model/random';
import { writeSafetensors } from '../server/core/model/weights/safetensorsWriter';
import { TrainingEngine } from '../server/core/runtime/engine';
import { causalLmLoss, LM_LABELS } from '../server/core/runtime/losses';
import { float32Tensor, int64Tensor } from '../server/core/runtime/tensors';
import { loadTokenizer } from '../server/core/tokenizer';
import { linearWarmupDecay } from '../server/core/optim/schedule';

const root = join(__dirname, '..');
const out = join(root, 'models', 'tiny-opt-demo');
const steps = Number(process.argv[2] ?? 400);
const B = 16; // sequences per step
const T = 64; // tokens per sequence

const configJson = {
  architectures: ['OPTForCausalLM'],
  model_type: 'opt',
  activation_function: 'relu',
  attention_dropout: 0.0,
  dropout: 0.1,
  do_layer_norm_before: true,
  enable_bias: true,
  layer_norm_elementwise_affine: true,
  bos_token_id: 2,
  eos_token_id: 2,
  pad_token_id: 1,
  vocab_size: 50272,
  hidden_size: 48,
  word_embed_proj_dim: 48,
  ffn_dim: 192,
  num_attention_heads: 4,
  num_hidden_layers: 2,
  max_position_embeddings: 256,
  init_std: 0.02,
  tie_word_embeddings: true,
  torch_dtype: 'float16',
};

function corpus(): string[] {
  const cola = readColaTsv(join(root, 'data/cola/in_domain_train.tsv')).map((e) => e.fields.sentence);
  const mnli = readMnliTrainPool(join(root, 'data/mnli/train_pool/pcp_train.json'), 'three-way').map((e) => `${e.fields.premise} ${e.fields.hypothesis}`);
  return [...cola, ...mnli];
}

function initWeights(shapes: Map<string, number[]>, rng: Rng): ParamValues {
  const values: ParamValues = new Map();
  for (const [name, shape] of shapes) {
    const n = shape.reduce((a, b) => a * b, 1);
    if (/layer_norm\.weight$/.test(name)) values.set(name, new Float32Array(n).fill(1));
    else if (name.endsWith('.bias')) values.set(name, new Float32Array(n));
    else values.set(name, rng.fillNormal(new Float32Array(n), 0.02));
  }
  return values;
}

async function main(): Promise<void> {
  const config = parseOptConfig(configJson, 'config.json');
  const tokenizer = loadTokenizer(join(root, 'data/opt'));
  const rng = new Rng(1234);
  // One long token stream, cut into windows of T tokens (each window starts with </s>, as OPT's).
  const stream: number[] = [];
  for (const text of corpus()) stream.push(...tokenizer.encode(` ${text}`, { addSpecial: false }));
  const windows = Math.floor(stream.length / (T - 1));
  console.log(`corpus: ${stream.length} tokens, ${windows} windows of ${T}`);

  const objective = { key: 'demo-lm', trainable: () => true, loss: causalLmLoss };
  const spec = { config };
  const engine = await TrainingEngine.create(spec, objective, B, T, { seed: 7, adamw: { beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0.01 } });
  const state = await engine.createState(initWeights(optParameterShapes(config), rng));
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const ids = new BigInt64Array(B * T);
    for (let b = 0; b < B; b++) {
      const w = Math.floor(rng.next() * windows);
      ids[b * T] = 2n;
      for (let j = 1; j < T; j++) ids[b * T + j] = BigInt(stream[w * (T - 1) + j - 1]);
    }
    const tb: TokenBatch = { batch: B, seq: T, inputIds: ids, attentionMask: new BigInt64Array(B * T).fill(1n) };
    const f = decoderFeeds(tb, config.padTokenId);
    const feeds = {
      input_ids: int64Tensor(f.input_ids, [B, T]),
      position_ids: int64Tensor(f.position_ids, [B, T]),
      key_mask: float32Tensor(f.key_mask, [B, T]),
      last_token_row: int64Tensor(f.last_token_row, [B]),
      [LM_LABELS]: int64Tensor(shiftedLmLabels(lmLabelsFromBatch(tb), B, T), [B * T]),
    };
    const r = await engine.step(state, [feeds], linearWarmupDecay(step, 3e-3, Math.ceil(steps * 0.05), steps));
    losses.push(r.loss);
    if (step % 25 === 0 || step === steps - 1) console.log(`step ${step + 1}/${steps} loss ${r.loss.toFixed(3)}`);
  }
  const values = await state.values(engine.transfer);
  const tensors = new Map([...optParameterShapes(config)].map(([name, shape]) => [name, { shape, data: values.get(name)! }]));
  writeSafetensors(join(out, 'model.safetensors'), tensors, 'F16', { made_by: 'scripts/makeDemoModel.ts' });
  writeFileSync(join(out, 'config.json'), JSON.stringify(configJson, null, 2) + '\n');
  copyFileSync(join(root, 'data/opt/vocab.json'), join(out, 'vocab.json'));
  copyFileSync(join(root, 'data/opt/merges.txt'), join(out, 'merges.txt'));
  const k = Math.min(10, losses.length);
  const first = losses.slice(0, k).reduce((a, b) => a + b, 0) / k;
  const last = losses.slice(-k).reduce((a, b) => a + b, 0) / k;
  writeFileSync(join(out, 'training-log.json'), JSON.stringify({ steps, batch: B, seq: T, lossFirstSteps: first, lossLastSteps: last, losses }, null, 0) + '\n');
  console.log(`saved ${out}: loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
