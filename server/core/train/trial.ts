// One trial of the grid: load the model and the data, draw the few-shot sample of the data seed,
// prepare the method, train (all but in-context learning), evaluate on every eval set. This is
// the `TrialFunction` the trainer process runs (server/runner/trialContract.ts).
import type { ExperimentSpec, PatternSpec } from '../../../protocol/experiment';
import type { EvalMetrics } from '../../../protocol/results';
import type { Example } from '../data/example';
import { renderPattern } from '../data/pattern';
import { iclFormatFor } from '../experiment/grid';
import { encodeFields, truncateKeepEnd } from '../methods/encode';
import { buildIclPrompts, teacherPrompt } from '../methods/icl';
import { prepareMethod, type MethodContext, type PreparedMethod, type TrainingRow } from '../methods';
import { temperedDistribution } from '../methods/distill';
import { verbalizerIdsFeed, verbalizerReadout, VERBALIZER_IDS } from '../methods/heads';
import { Rng } from '../model/random';
import { paramTensors } from '../runtime/evaluator';
import type { TextTokenizer } from '../tokenizer';
import type { TrialFunction, TrialInput, TrialHooks, TrialResult } from '../../runner/trialContract';
import { evaluateSequences, scoreSequences, type ScoreOptions } from './evaluate';
import { loadModel, type LoadedModel } from './loadModel';
import { loadDataset, trialData, type TrialData } from './loadData';
import { PeakMemory } from './peakMemory';
import { train } from './trainLoop';

/** The verbalizer of each label as one token id; anything else is a configuration error. */
export function verbalizerTokenIds(tokenizer: TextTokenizer, labelNames: readonly string[], verbalizers: Readonly<Record<string, string>>): number[] {
  return labelNames.map((label) => {
    const text = verbalizers[label];
    if (text === undefined) throw new Error(`label "${label}" has no verbalizer`);
    const split = tokenizer.splitIntoTokens(text);
    if (!split.single || split.id === undefined) {
      const parts = split.tokens.map((t) => JSON.stringify(t.text)).join(' + ');
      throw new Error(`verbalizer ${JSON.stringify(text)} of label "${label}" is not one token of the model's tokenizer (it splits into ${parts})`);
    }
    return split.id;
  });
}

function patternOf(spec: ExperimentSpec, task: string): PatternSpec {
  const p = spec.patterns[task];
  if (!p) throw new Error(`task ${task} has no pattern and verbalizers (needed by this method)`);
  return p;
}

function scoreOptions(input: TrialInput, hooks: TrialHooks, memory: PeakMemory, model: LoadedModel, base: Omit<ScoreOptions, 'batchSize' | 'padId' | 'provider' | 'threads' | 'signal' | 'onBatch'>): ScoreOptions {
  return {
    ...base,
    batchSize: input.spec.evaluation.batchSize,
    padId: model.tokenizer.padId,
    provider: input.provider,
    threads: input.threads,
    signal: hooks.signal,
    onBatch: () => memory.sample(),
  };
}

async function runIcl(input: TrialInput, hooks: TrialHooks, model: LoadedModel, data: TrialData, memory: PeakMemory): Promise<TrialResult> {
  const o = input.spec.methodOptions.icl;
  const n = input.config.n;
  if (o.k > n) throw new Error(`icl: k = ${o.k} demonstrations per class, but the few-shot sample has only n = ${n} per class`);
  const format = iclFormatFor(input.spec, input.config.task);
  if (!format) throw new Error(`icl: task ${input.config.task} has no prompt format`);
  const maxTokens = o.maxLength === 'model' ? model.config.maxPositions : Math.min(o.maxLength, model.config.maxPositions);
  const spec = { config: model.config };
  const params = paramTensors(spec, model.weights);
  const metrics: Record<string, EvalMetrics> = {};
  let provider = input.provider as string;
  hooks.onPhase('eval');
  for (const split of data.evals) {
    const prompts = buildIclPrompts(split.examples, {
      format, labelNames: data.dataset.labelNames, pool: data.train, perClass: o.k, dataSeed: input.config.dataSeed, tokenizer: model.tokenizer, maxTokens,
    });
    const ids = verbalizerTokenIds(model.tokenizer, data.dataset.labelNames, format.verbalizers);
    const readout = verbalizerReadout(ids.length);
    const r = await evaluateSequences(split, prompts.sequences, scoreOptions(input, hooks, memory, model, {
      spec, readout, params, seqLimit: maxTokens, extraFeeds: () => ({ [VERBALIZER_IDS]: verbalizerIdsFeed(ids) }),
    }), prompts.truncated);
    metrics[split.name] = r.metrics;
    provider = r.provider;
  }
  return { trainLoss: [], metrics, peakMemoryBytes: memory.bytes, trainableParams: 0, provider };
}

/** Distillation's teacher: the frozen base model with the context, once per training example. */
async function teacherRows(input: TrialInput, hooks: TrialHooks, model: LoadedModel, data: TrialData, rows: TrainingRow[], ids: number[], memory: PeakMemory): Promise<void> {
  const o = input.spec.methodOptions.distill;
  const pattern = patternOf(input.spec, input.config.task);
  const format = { pattern: pattern.pattern, targetPrefix: '', verbalizers: pattern.verbalizers, separator: pattern.separator };
  // The example itself is never its own demonstration, so its class offers at most n − 1.
  const perClass = Math.min(o.k, input.config.n - 1);
  const maxTokens = model.config.maxPositions;
  const prompts = data.train.map((ex, i) =>
    teacherPrompt(ex, i, { format, labelNames: data.dataset.labelNames, pool: data.train, perClass, dataSeed: input.config.dataSeed, tokenizer: model.tokenizer, maxTokens, context: o.context, instruction: o.instruction }),
  );
  const spec = { config: model.config };
  const { scores } = await scoreSequences(prompts, scoreOptions(input, hooks, memory, model, {
    spec, readout: verbalizerReadout(ids.length), params: paramTensors(spec, model.weights), seqLimit: maxTokens,
    extraFeeds: () => ({ [VERBALIZER_IDS]: verbalizerIdsFeed(ids) }),
  }), "the teacher's prompts");
  scores.forEach((z, i) => {
    const { probs, logProbs } = temperedDistribution(z, o.temperature);
    rows[i].teacherProbs = probs;
    rows[i].teacherLogProbs = logProbs;
  });
}

function methodContext(input: TrialInput, model: LoadedModel, data: TrialData): MethodContext {
  const maxLength = Math.min(input.spec.training.maxLength, model.config.maxPositions);
  const tok = model.tokenizer;
  const pattern = input.spec.patterns[input.config.task];
  return {
    config: model.config,
    numLabels: data.dataset.labelNames.length,
    verbalizerIds: pattern ? verbalizerTokenIds(tok, data.dataset.labelNames, pattern.verbalizers) : [],
    encodePattern: (ex: Example) => truncateKeepEnd(tok.encode(renderPattern(patternOf(input.spec, input.config.task).pattern, ex.fields)), maxLength, tok.bosId),
    encodePlain: (ex: Example) => encodeFields(tok, data.dataset.fieldNames.map((f) => ex.fields[f] ?? ''), maxLength),
    weightDecay: input.spec.training.weightDecay,
  };
}

async function runTraining(input: TrialInput, hooks: TrialHooks, model: LoadedModel, data: TrialData, memory: PeakMemory): Promise<TrialResult> {
  const method = input.config.method as Exclude<typeof input.config.method, 'icl'>;
  const ctx = methodContext(input, model, data);
  const prepared: PreparedMethod = prepareMethod(method, ctx, input.spec.methodOptions);
  const rows: TrainingRow[] = data.train.map((ex) => ({ tokens: prepared.encode(ex).tokens, label: ex.label }));
  if (method === 'distill') await teacherRows(input, hooks, model, data, rows, ctx.verbalizerIds, memory);
  // The model seed's init stream is kept apart from its dropout stream (the engine's).
  const initRng = new Rng((Math.imul(input.config.modelSeed + 1, 0x9e3779b1) ^ 0x5bd1e995) >>> 0);
  hooks.onPhase('train');
  const outcome = await train({
    config: model.config, method: prepared, rows, initial: prepared.initialParams(model.weights, initRng), training: input.spec.training,
    modelSeed: input.config.modelSeed, padId: model.tokenizer.padId, provider: input.provider, threads: input.threads, hooks, memory,
  });
  hooks.onPhase('eval');
  const params = paramTensors(prepared.evalSpec, prepared.evalParams(outcome.trained));
  const metrics: Record<string, EvalMetrics> = {};
  for (const split of data.evals) {
    const sequences = split.examples.map((ex) => prepared.encode(ex).tokens);
    const r = await evaluateSequences(split, sequences, scoreOptions(input, hooks, memory, model, {
      spec: prepared.evalSpec, readout: prepared.readout, params, seqLimit: ctx.config.maxPositions, extraFeeds: prepared.evalFeeds,
    }));
    metrics[split.name] = r.metrics;
  }
  return { trainLoss: outcome.epochLoss, metrics, peakMemoryBytes: memory.bytes, trainableParams: prepared.trainableParams, provider: outcome.provider };
}

export const runTrial: TrialFunction = async (input, hooks) => {
  const memory = new PeakMemory();
  hooks.onPhase('load');
  const model = await loadModel(input.model, input.hub, hooks.signal, (text) => hooks.onPhase('load', text));
  const dataset = await loadDataset(input.spec, input.config.task, input.dataRoot, input.hub, hooks.signal, (text) => hooks.onPhase('load', text));
  const data = trialData(dataset, input.config.n, input.config.dataSeed, input.spec.evaluation.maxExamples);
  memory.sample();
  return input.config.method === 'icl' ? runIcl(input, hooks, model, data, memory) : runTraining(input, hooks, model, data, memory);
};
