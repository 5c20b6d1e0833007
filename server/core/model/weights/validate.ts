// Compares what a checkpoint holds with what a model expects, name by name.
import { canonicalName } from './names';

export interface ShapeMismatch {
  name: string;
  expected: number[];
  actual: number[];
}

export interface ValidationReport {
  ok: boolean;
  missing: string[];
  unexpected: string[];
  wrongShape: ShapeMismatch[];
  /** One readable line per problem; empty when ok. */
  message: string;
}

/**
 * `expected` maps parameter names (with or without the leading `model.`) to shapes. `tensors` are
 * the loaded ones, already under canonical names.
 */
export function validateAgainst(
  tensors: ReadonlyMap<string, { shape: readonly number[] }>,
  expected: ReadonlyMap<string, readonly number[]>,
): ValidationReport {
  const want = new Map([...expected].map(([name, shape]) => [canonicalName(name), shape]));
  const missing = [...want.keys()].filter((n) => !tensors.has(n)).sort();
  const unexpected = [...tensors.keys()].filter((n) => !want.has(n)).sort();
  const wrongShape: ShapeMismatch[] = [];
  for (const [name, shape] of want) {
    const got = tensors.get(name);
    if (got && (got.shape.length !== shape.length || got.shape.some((d, i) => d !== shape[i]))) {
      wrongShape.push({ name, expected: [...shape], actual: [...got.shape] });
    }
  }
  wrongShape.sort((a, b) => a.name.localeCompare(b.name));
  const lines = [
    ...missing.map((n) => `missing tensor ${n} [${want.get(n)}]`),
    ...wrongShape.map((m) => `tensor ${m.name} has shape [${m.actual}], the model expects [${m.expected}]`),
    ...unexpected.map((n) => `unexpected tensor ${n} [${tensors.get(n)!.shape}]`),
  ];
  return { ok: lines.length === 0, missing, unexpected, wrongShape, message: lines.join('\n') };
}
