// The `methods` part of the experiment file's schema: each method's options, with their docs.
// Defaults come from protocol/experiment.ts.

import { METHOD_IDS, METHOD_LABELS } from '../../../protocol/results';
import { DEFAULT_METHOD_OPTIONS as MO, ICL_FORMATS, OPT_LINEAR_MODULES } from '../../../protocol/experiment';
import { Code } from './codes';
import type { ObjectNode, SchemaNode } from './schemaModel';

const head = (description: string, value: string): SchemaNode => ({
  kind: 'string',
  enum: ['cls', 'lm'],
  default: value,
  description: `${description} \`cls\`: a classification head on the last non-pad token; \`lm\`: the LM head scored at the task's verbalizer tokens (uses the pattern).`,
});

const vanilla: ObjectNode = {
  kind: 'object',
  nullable: true,
  description: 'Vanilla fine-tuning: every weight trains, with a classification head on the last non-pad token.',
  properties: {
    head: {
      kind: 'string',
      enum: ['linear'],
      default: MO.vanilla.head,
      description: "`linear`: HF OPTForSequenceClassification's score layer (the only head so far; llmft's MLP head is not implemented).",
    },
  },
};

const pbft: ObjectNode = {
  kind: 'object',
  nullable: true,
  description: "Pattern-based fine-tuning: inputs go through the task's pattern; the LM head's logits at the verbalizer tokens are the class scores.",
  properties: {
    loss: {
      kind: 'string',
      enum: ['verbalizers', 'full-vocab'],
      default: MO.pbft.loss,
      description: 'Cross-entropy over the verbalizer tokens only, or over the full vocabulary (as llmft).',
    },
  },
};

const adaptive: ObjectNode = {
  kind: 'object',
  nullable: true,
  description: 'Adaptive fine-tuning: the bottom layers frozen and a layer-wise learning-rate decay above them.',
  properties: {
    frozenLayers: { kind: 'integer', minimum: 0, maximum: 1000, default: MO.adaptive.frozenLayers, description: 'Bottom k decoder layers that do not train.' },
    freezeEmbeddings: { kind: 'boolean', default: MO.adaptive.freezeEmbeddings, description: 'Whether token and position embeddings stay frozen.' },
    lrDecay: {
      kind: 'number',
      exclusiveMinimum: 0,
      maximum: 1,
      default: MO.adaptive.lrDecay,
      description: 'Layer i (0 = bottom) of L trains at lr · lrDecay^(L−1−i); 1 means no decay.',
    },
    head: head('Head of the adaptive model.', MO.adaptive.head),
  },
};

const lora: ObjectNode = {
  kind: 'object',
  nullable: true,
  description: 'LoRA: the base weights stay frozen; each target linear layer gains B·A·alpha/r (A Kaiming-uniform, B zero).',
  properties: {
    r: { kind: 'integer', minimum: 1, maximum: 65536, default: MO.lora.r, description: "Rank of the update; at most the model's hidden size." },
    alpha: { kind: 'number', exclusiveMinimum: 0, maximum: 1e6, default: MO.lora.alpha, description: 'Scaling: the update is multiplied by alpha / r.' },
    dropout: { kind: 'number', minimum: 0, exclusiveMaximum: 1, default: MO.lora.dropout, description: 'Dropout on the LoRA branch input.' },
    targetModules: {
      kind: 'array',
      minItems: 1,
      uniqueItems: true,
      default: MO.lora.targetModules,
      description: 'Linear layers to adapt, by name.',
      items: { kind: 'string', enum: OPT_LINEAR_MODULES, enumCode: Code.unknownTargetModule, noun: 'target module', description: 'A linear layer of each decoder block.' },
    },
    head: head("LoRA's head (llmft's LoRA runs used the LM head).", MO.lora.head),
  },
};

const distill: ObjectNode = {
  kind: 'object',
  nullable: true,
  description:
    'Context distillation: a frozen teacher sees a context (demonstrations or an instruction) before the input; the student, the same model without it, learns α·T²·KL(teacher‖student) + (1−α)·CE.',
  properties: {
    context: {
      kind: 'string',
      enum: ['demonstrations', 'instruction'],
      default: MO.distill.context,
      description: "What the teacher sees: k labelled demonstrations per class from the trial's sample, or `instruction`.",
    },
    k: { kind: 'integer', minimum: 1, maximum: 64, default: MO.distill.k, description: "Demonstrations per class in the teacher's context." },
    instruction: { kind: 'string', minLength: 1, maxLength: 10000, description: "The teacher's instruction (required when context is `instruction`)." },
    alpha: { kind: 'number', minimum: 0, maximum: 1, default: MO.distill.alpha, description: 'Weight of the distillation term against the gold-label cross-entropy.' },
    temperature: { kind: 'number', exclusiveMinimum: 0, maximum: 100, default: MO.distill.temperature, description: 'Softmax temperature T of teacher and student.' },
  },
};

const icl: ObjectNode = {
  kind: 'object',
  nullable: true,
  description: 'In-context learning: no training; k demonstrations per class precede the query, scored at the verbalizer tokens.',
  properties: {
    k: { kind: 'integer', minimum: 1, maximum: 64, default: MO.icl.k, description: "Demonstrations per class, from the trial's few-shot sample (so k ≤ n)." },
    format: {
      kind: 'string',
      enum: ICL_FORMATS,
      default: MO.icl.format,
      description: "`pattern`: the task's pattern (as PBFT). `minimal`, `gpt-3`, `eval-harness`: Mosbach et al.'s prompt formats, defined for the built-in tasks.",
    },
    maxLength: {
      kind: 'union',
      default: MO.icl.maxLength,
      description: "Context limit in tokens (`model`: the model's maximum positions). A prompt that is longer drops demonstrations; the count is reported.",
      variants: [
        { kind: 'string', enum: ['model'], description: "The model's maximum positions." },
        { kind: 'integer', minimum: 8, maximum: 1_000_000, description: 'Tokens.' },
      ],
    },
  },
};

export const methodMap: ObjectNode = {
  kind: 'object',
  description: 'Methods with their options; an empty value takes the defaults (e.g. `vanilla:`).',
  unknownKeyCode: Code.unknownMethod,
  unknownKeyNoun: 'method',
  properties: { vanilla, pbft, adaptive, lora, distill, icl },
};

export const methodList: SchemaNode = {
  kind: 'array',
  minItems: 1,
  uniqueItems: true,
  description: 'Methods to compare, with default options.',
  items: {
    kind: 'string',
    enum: METHOD_IDS,
    enumCode: Code.unknownMethod,
    noun: 'method',
    description: METHOD_IDS.map((m) => `\`${m}\`: ${METHOD_LABELS[m]}`).join('; '),
  },
};
