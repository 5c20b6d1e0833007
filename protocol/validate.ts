// Tiny runtime validators for values that cross a trust boundary (webview messages, store lines).
// A validator returns undefined when the value has the expected shape, or the first problem found,
// prefixed with the path to it ("message.trials[3].config.n: expected an integer").
// The phantom `__type` ties each validator to the TypeScript type it checks, so `objectOf<T>` only
// compiles when every key of T has a validator of the matching type.

export type Validator<T> = ((value: unknown, path: string) => string | undefined) & { readonly __type?: T };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value;
}

export const string: Validator<string> = (value, path) =>
  typeof value === 'string' ? undefined : `${path}: expected a string, got ${describe(value)}`;

export const boolean: Validator<boolean> = (value, path) =>
  typeof value === 'boolean' ? undefined : `${path}: expected a boolean, got ${describe(value)}`;

export const finite: Validator<number> = (value, path) =>
  typeof value === 'number' && Number.isFinite(value) ? undefined : `${path}: expected a finite number, got ${describe(value)}`;

export const integer: Validator<number> = (value, path) =>
  Number.isSafeInteger(value) ? undefined : `${path}: expected an integer, got ${describe(value)}`;

export const unknownValue: Validator<unknown> = () => undefined;

export function literal<const L extends string>(expected: L): Validator<L> {
  return (value, path) => (value === expected ? undefined : `${path}: expected "${expected}", got ${describe(value)}`);
}

export function oneOf<const L extends string>(...allowed: readonly L[]): Validator<L> {
  return (value, path) =>
    typeof value === 'string' && (allowed as readonly string[]).includes(value)
      ? undefined
      : `${path}: expected one of ${allowed.join(', ')}, got ${describe(value)}`;
}

export function optional<T>(inner: Validator<T>): Validator<T | undefined> {
  return (value, path) => (value === undefined ? undefined : inner(value, path));
}

export function arrayOf<T>(item: Validator<T>): Validator<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) return `${path}: expected an array, got ${describe(value)}`;
    for (let i = 0; i < value.length; i++) {
      const error = item(value[i], `${path}[${i}]`);
      if (error !== undefined) return error;
    }
    return undefined;
  };
}

/** Numbers where JSON may have written a non-finite value as null (e.g. a NaN epoch loss). */
export const nullableNumberArray: Validator<(number | null)[]> = (value, path) => {
  if (!Array.isArray(value)) return `${path}: expected an array, got ${describe(value)}`;
  const bad = value.findIndex((v) => v !== null && typeof v !== 'number');
  return bad < 0 ? undefined : `${path}[${bad}]: expected a number or null, got ${describe(value[bad])}`;
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object with exactly these keys checked; extra keys are tolerated (and ignored by readers). */
export function objectOf<T>(shape: { [K in keyof T]-?: Validator<T[K]> }): Validator<T> {
  const entries = Object.entries(shape) as [string, Validator<unknown>][];
  return (value, path) => {
    if (!isPlainObject(value)) return `${path}: expected an object, got ${describe(value)}`;
    for (const [key, check] of entries) {
      const error = check(value[key], `${path}.${key}`);
      if (error !== undefined) return error;
    }
    return undefined;
  };
}

/** An object used as a map from free-form names to values of one shape. */
export function recordOf<T>(item: Validator<T>): Validator<Record<string, T>> {
  return (value, path) => {
    if (!isPlainObject(value)) return `${path}: expected an object, got ${describe(value)}`;
    for (const [key, entry] of Object.entries(value)) {
      const error = item(entry, `${path}[${JSON.stringify(key)}]`);
      if (error !== undefined) return error;
    }
    return undefined;
  };
}

/** A discriminated union: the discriminant picks the variant's validator. */
export function variantOf<M extends { type: string }>(
  discriminant: 'type',
  variants: { [K in M['type']]: Validator<Extract<M, { type: K }>> },
): Validator<M> {
  const table = variants as Record<string, Validator<unknown>>;
  return (value, path) => {
    if (!isPlainObject(value)) return `${path}: expected an object, got ${describe(value)}`;
    const tag = value[discriminant];
    if (typeof tag !== 'string' || !Object.prototype.hasOwnProperty.call(table, tag)) {
      return `${path}.${discriminant}: unknown message type ${describe(tag)}`;
    }
    return table[tag]!(value, path);
  };
}
