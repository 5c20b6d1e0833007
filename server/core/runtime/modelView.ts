// Builds the shared front of every graph: parameter inputs (created when first used, so a graph
// only takes the parameters it touches), the decoder's batch inputs, the forward pass, and the
// cached head helpers of ModelView.
import { GraphBuilder, GraphError, shapeString, type DType, type Tensor } from '../graph/builder';
import { buildOptForward } from '../model/optGraph';
import { classLogits, lmLogitsAll, lmLogitsForTokens, pickRows } from '../model/optHeads';
import { modelParameterShapes, type OptModelSpec } from '../model/optSpec';
import type { ModelView } from './objective';

/** Names of the decoder's per-batch graph inputs (the keys of optBatch's DecoderFeeds). */
export const DECODER_INPUTS = ['input_ids', 'position_ids', 'key_mask', 'last_token_row'] as const;

export interface BuiltView extends ModelView {
  /** Parameters that became graph inputs, in creation order. */
  readonly usedParams: string[];
  readonly paramShapes: ReadonlyMap<string, readonly number[]>;
}

export function buildModelView(name: string, spec: OptModelSpec, batch: number, seq: number, training: boolean): BuiltView {
  const g = new GraphBuilder(name);
  const paramShapes = modelParameterShapes(spec);
  const params = new Map<string, Tensor>();
  const usedParams: string[] = [];
  const extra = new Map<string, Tensor>();

  const param = (n: string): Tensor => {
    let t = params.get(n);
    if (t) return t;
    const shape = paramShapes.get(n);
    if (!shape) throw new GraphError(`the model has no parameter ${n}`);
    t = g.input(n, 'float32', shape);
    params.set(n, t);
    usedParams.push(n);
    return t;
  };
  const input = (n: string, dtype: DType, shape: readonly number[]): Tensor => {
    const known = extra.get(n);
    if (known) {
      if (known.dtype !== dtype || shapeString(known.shape) !== shapeString(shape)) {
        throw new GraphError(`input ${n} declared twice with different types (${known.dtype}${shapeString(known.shape)} vs ${dtype}${shapeString(shape)})`);
      }
      return known;
    }
    const t = g.input(n, dtype, shape);
    extra.set(n, t);
    return t;
  };

  const forward = buildOptForward(
    g,
    spec,
    param,
    {
      inputIds: input('input_ids', 'int64', [batch, seq]),
      positionIds: input('position_ids', 'int64', [batch, seq]),
      keyMask: input('key_mask', 'float32', [batch, seq]),
    },
    training,
  );

  const memo = new Map<string, Tensor>();
  const once = (key: string, make: () => Tensor): Tensor => {
    let t = memo.get(key);
    if (!t) memo.set(key, (t = make()));
    return t;
  };
  const lastTokenRows = (): Tensor => input('last_token_row', 'int64', [batch]);
  const lastTokenHidden = (): Tensor => once('last', () => pickRows(g, forward.output, lastTokenRows()));

  return {
    g,
    spec,
    batch,
    seq,
    forward,
    usedParams,
    paramShapes,
    param,
    input,
    lastTokenRows,
    lastTokenHidden,
    lmLogits: () => once('lm', () => lmLogitsAll(g, param, forward.output)),
    lmLogitsAtLast: (tokenIds) => once(`lm@${tokenIds.name}`, () => lmLogitsForTokens(g, param, lastTokenHidden(), tokenIds)),
    classLogits: () => {
      if (spec.numLabels === undefined) throw new GraphError('classLogits: the model spec has no classification head (numLabels)');
      return once('cls', () => classLogits(g, param, lastTokenHidden()));
    },
  };
}
