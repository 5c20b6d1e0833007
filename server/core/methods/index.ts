// The method registry: a trial asks for its method by id and gets it prepared for its model and
// task. In-context learning trains nothing and is run by the trial directly (methods/icl.ts).
import type { MethodOptions } from '../../../protocol/experiment';
import type { MethodId } from '../../../protocol/results';
import { prepareAdaptive } from './adaptive';
import { prepareDistill } from './distill';
import { prepareLora } from './lora';
import type { MethodContext, PreparedMethod } from './method';
import { preparePbft } from './pbft';
import { prepareVanilla } from './vanilla';

export type { MethodContext, PreparedMethod, TrainingRow } from './method';

export function prepareMethod(id: Exclude<MethodId, 'icl'>, ctx: MethodContext, options: MethodOptions): PreparedMethod {
  switch (id) {
    case 'vanilla':
      return prepareVanilla(ctx, options.vanilla);
    case 'pbft':
      return preparePbft(ctx, options.pbft);
    case 'adaptive':
      return prepareAdaptive(ctx, options.adaptive);
    case 'lora':
      return prepareLora(ctx, options.lora);
    case 'distill':
      return prepareDistill(ctx, options.distill);
  }
}
