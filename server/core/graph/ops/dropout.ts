// Dropout as a multiplication by a mask that is a graph input: the mask (0 or 1/(1-p) per
// element) is drawn in JS from a seeded generator, so a training run is reproducible and the
// graph holds no random op. The gradient is Mul's: the same mask applied to the gradient.
// (The engine draws its masks with Rng.fillDropoutMask, an inlined version of dropoutMask.)
import { GraphError, shapeString, type GraphBuilder, type Tensor } from '../builder';
import { mul } from './arithmetic';

export function dropout(g: GraphBuilder, x: Tensor, mask: Tensor): Tensor {
  if (mask.dtype !== x.dtype) throw new GraphError(`dropout: mask is ${mask.dtype}, input ${x.dtype}`);
  if (mask.shape.length !== x.shape.length || mask.shape.some((d, i) => d !== x.shape[i])) {
    throw new GraphError(`dropout: mask ${shapeString(mask.shape)} does not match input ${shapeString(x.shape)}`);
  }
  return mul(g, x, mask);
}

/** Inverted-dropout mask from any uniform source: each element is 0 with probability p, else 1/(1-p). */
export function dropoutMask(random: () => number, count: number, p: number): Float32Array {
  const mask = new Float32Array(count);
  const keep = 1 / (1 - p);
  for (let i = 0; i < count; i++) mask[i] = random() < p ? 0 : keep;
  return mask;
}
