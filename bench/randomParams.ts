// Random parameter values for a model spec. A step's cost does not depend on the weights, so the
// bench uses random init instead of downloading checkpoints: weights ~ U(±√3·0.02) (std 0.02, as
// OPT's init_std; uniform because it fills 125M values several times faster than Box–Muller),
// layer-norm weights 1, biases 0, LoRA as PEFT initializes it (A random, B zero).
import { initLora } from '../server/core/model/lora';
import type { ParamValues } from '../server/core/model/optParams';
import { modelParameterShapes, type OptModelSpec } from '../server/core/model/optSpec';
import { Rng } from '../server/core/model/random';

const STD = 0.02;

export function randomParams(spec: OptModelSpec, seed: number): ParamValues {
  const rng = new Rng(seed);
  const bound = Math.sqrt(3) * STD;
  const lora = spec.lora ? initLora(spec.config, spec.lora, rng.fork()) : new Map<string, Float32Array>();
  const values: ParamValues = new Map();
  for (const [name, shape] of modelParameterShapes(spec)) {
    const adapter = lora.get(name);
    if (adapter) {
      values.set(name, adapter);
      continue;
    }
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (/layer_norm\.weight$/.test(name)) data.fill(1);
    else if (!name.endsWith('.bias')) rng.fillUniform(data, -bound, bound);
    values.set(name, data);
  }
  return values;
}
