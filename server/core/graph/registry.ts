// The one place where op families register their gradient rules. A new family adds its file
// under ops/ and one line here.
import type { GradRule } from './gradRule';
import { arithmeticRules } from './ops/arithmetic';
import { compareRules } from './ops/compare';
import { crossEntropyRules } from './ops/crossEntropy';
import { gatherRules } from './ops/gather';
import { layerNormRules } from './ops/layerNorm';
import { linearRules } from './ops/linear';
import { pointwiseRules } from './ops/pointwise';
import { reduceRules } from './ops/reduce';
import { reluRules } from './ops/relu';
import { shapeRules } from './ops/shape';
import { sliceConcatRules } from './ops/sliceConcat';
import { softmaxRules } from './ops/softmax';
import { whereRules } from './ops/where';

export const GRAD_RULES: Readonly<Record<string, GradRule>> = {
  ...linearRules,
  ...arithmeticRules,
  ...pointwiseRules,
  ...reluRules,
  ...layerNormRules,
  ...softmaxRules,
  ...gatherRules,
  ...shapeRules,
  ...sliceConcatRules,
  ...reduceRules,
  ...whereRules,
  ...compareRules,
  ...crossEntropyRules,
};
