// `ftlab check-model <dir-or-hub-id>`: loads a model (local folder, or Hub id through the HF
// cache) and its tokenizer, and shows what the engine makes of them — parameter count, layout,
// the execution provider that actually started, the five most likely next tokens for a prompt,
// and the process's peak memory. A quick answer to "will this model work here?".

import { join } from 'node:path';
import { formatBytes } from '../trainer/classifyError';
import { resolveModelSource } from '../core/hub';
import { readOptConfig, type OptConfig } from '../core/model/config';
import { decoderFeeds, padBatch } from '../core/model/optBatch';
import { optParameterShapes, paramsFromTensors } from '../core/model/optParams';
import { countParameters, type OptModelSpec } from '../core/model/optSpec';
import { loadCheckpoint } from '../core/model/weights';
import { Evaluator, paramTensors } from '../core/runtime/evaluator';
import { isProviderChoice, type ProviderChoice } from '../core/runtime/providers';
import { floatData, float32Tensor, int64Tensor } from '../core/runtime/tensors';
import { loadTokenizer } from '../core/tokenizer';
import { intFlag, parseArgs, stringFlag, UsageError } from './args';
import { ExitCode, type CliIo } from './io';

export const CHECK_MODEL_USAGE = `Usage: ftlab check-model <model-dir | hub-id> [options]

Loads an OPT model and its tokenizer and prints the parameter count, the layout (pre-norm like
opt-125m, or post-norm like opt-350m), the execution provider used, the top-5 next tokens for a
prompt, and the peak memory of the process.

Options:
  --prompt TEXT        the prompt (default "Hello, my name is")
  --ids 2,100,7        the prompt as token ids instead (no tokenization)
  --provider P         auto | cpu | webgpu | cuda (default auto)
  --threads N          onnxruntime threads
  --offline            use only local folders and the Hugging Face cache
  --json               machine-readable output
  --help               show this help
`;

function layout(config: OptConfig): string {
  const norm = config.doLayerNormBefore ? 'pre-norm (opt-125m layout)' : 'post-norm (opt-350m layout)';
  const projections = config.wordEmbedProjDim !== config.hiddenSize ? `, project_in/out ${config.wordEmbedProjDim}↔${config.hiddenSize}` : '';
  const finalNorm = config.finalLayerNorm ? ', final layer norm' : ', no final layer norm';
  return `${norm}${projections}${finalNorm}`;
}

function parseIds(text: string, vocabSize: number): number[] {
  const ids = text.split(',').map((s) => Number(s.trim()));
  if (ids.length === 0 || ids.some((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize)) {
    throw new UsageError(`--ids takes comma-separated token ids below the vocabulary size ${vocabSize}, got "${text}"`);
  }
  return ids;
}

export async function checkModelCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['help', 'json', 'offline'], ['prompt', 'ids', 'provider', 'threads']);
  if (args.flags.has('help')) {
    io.out(CHECK_MODEL_USAGE);
    return ExitCode.ok;
  }
  if (args.positionals.length !== 1) throw new UsageError('give one model folder or Hub id');
  const provider = stringFlag(args, 'provider') ?? 'auto';
  if (!isProviderChoice(provider)) throw new UsageError(`--provider must be auto, cpu, webgpu or cuda, got "${provider}"`);
  const json = args.flags.has('json');
  const note = (text: string) => !json && io.err(text);

  const started = performance.now();
  const source = await resolveModelSource(args.positionals[0], {
    ...(args.flags.has('offline') ? { offline: true } : {}),
    onProgress: (p) => !p.cached && note(`downloading ${p.file}: ${formatBytes(p.done)} of ${formatBytes(p.total)}\n`),
  });
  if (source.warning) note(`note: ${source.warning}\n`);
  const config = await readOptConfig(join(source.dir, 'config.json'));
  const shapes = optParameterShapes(config);
  const checkpoint = loadCheckpoint(source.dir);
  const values = paramsFromTensors(checkpoint.tensors, shapes, source.dir);
  const tokenizer = loadTokenizer(source.dir);
  const promptText = stringFlag(args, 'prompt') ?? 'Hello, my name is';
  const idsText = stringFlag(args, 'ids');
  const ids = idsText !== undefined ? parseIds(idsText, config.vocabSize) : tokenizer.encode(promptText);
  if (ids.length > config.maxPositions) throw new UsageError(`the prompt has ${ids.length} tokens; the model takes at most ${config.maxPositions}`);

  // One sequence, no padding: the graph's length is the prompt's. Only the last position's LM
  // logits are computed, over the whole vocabulary.
  const spec: OptModelSpec = { config };
  const T = ids.length;
  const V = config.vocabSize;
  const evaluator = await Evaluator.create(
    spec,
    { key: `check-model-next-token`, outputs: (view) => ({ logits: view.lmLogitsAtLast(view.input('vocab_ids', 'int64', [V])) }) },
    1,
    T,
    { provider: provider as ProviderChoice, ...(intFlag(args, 'threads') ? { threads: intFlag(args, 'threads') } : {}) },
  );
  const feeds = decoderFeeds(padBatch([ids], T, config.padTokenId), config.padTokenId);
  const out = await evaluator.run(paramTensors(spec, values), {
    input_ids: int64Tensor(feeds.input_ids, [1, T]),
    position_ids: int64Tensor(feeds.position_ids, [1, T]),
    key_mask: float32Tensor(feeds.key_mask, [1, T]),
    last_token_row: int64Tensor(feeds.last_token_row, [1]),
    vocab_ids: int64Tensor(BigInt64Array.from({ length: V }, (_, i) => BigInt(i)), [V]),
  });
  const logits = floatData(out.logits); // [1, V]
  let max = -Infinity;
  for (const l of logits) max = Math.max(max, l);
  let z = 0;
  for (const l of logits) z += Math.exp(l - max);
  const top = [...logits.keys()]
    .sort((a, b) => logits[b] - logits[a])
    .slice(0, 5)
    .map((id) => ({ id, token: tokenizer.decode([id]), logit: logits[id], probability: Math.exp(logits[id] - max) / z }));

  const result = {
    model: args.positionals[0],
    dir: source.dir,
    source: source.kind,
    parameters: countParameters(shapes),
    layout: layout(config),
    layers: config.numLayers,
    hiddenSize: config.hiddenSize,
    vocabSize: V,
    weights: checkpoint.format,
    tokenizer: tokenizer.source,
    provider: evaluator.provider,
    providerFallbacks: evaluator.fallbacks,
    prompt: idsText !== undefined ? tokenizer.decode(ids) : promptText,
    promptIds: ids,
    top5: top,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    seconds: (performance.now() - started) / 1000,
  };
  if (json) {
    io.out(`${JSON.stringify(result, null, 2)}\n`);
    return ExitCode.ok;
  }
  const lines = [
    `model       ${result.model}${source.kind === 'hub' ? ` (Hub, cached at ${source.dir})` : ''}`,
    `parameters  ${result.parameters.toLocaleString('en-US')} (${config.numLayers} layers, hidden ${config.hiddenSize}, vocab ${V}; ${checkpoint.format} weights)`,
    `layout      ${result.layout}`,
    `tokenizer   ${tokenizer.source}`,
    `provider    ${result.provider}`,
    // Why a better provider did not start (auto tries CUDA, then WebGPU): one line each, kept short.
    ...result.providerFallbacks.map((f) => `            ${f.length > 160 ? `${f.slice(0, 159)}…` : f}`),
    `prompt      ${JSON.stringify(result.prompt)} → ${ids.length} tokens [${ids.join(', ')}]`,
    'next token  probability  id',
    ...top.map((t) => `  ${JSON.stringify(t.token).padEnd(12)} ${t.probability.toFixed(4).padStart(9)}  ${t.id}`),
    `peak RSS    ${formatBytes(result.peakRssBytes)}`,
  ];
  io.out(`${lines.join('\n')}\n`);
  return ExitCode.ok;
}
