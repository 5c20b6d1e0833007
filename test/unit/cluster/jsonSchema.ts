// A small JSON-schema validator for the keywords the vendored Kubernetes schemas use
// (test/fixtures/k8s/): $ref (by definition id), type, nullable, properties, required, items,
// additionalProperties, enum, oneOf, format (int32, int64, quantity, date-time, byte).
// A keyword it does not know is an error, never skipped, so a schema update cannot make the
// check silently weaker.
//
// Strict mode treats an object schema's `properties` as the complete list of fields, as
// `kubectl --validate=strict` and the API server's strict field validation do: an unknown field
// (a typo, or a field newer than the schema) is reported.

export type JsonSchema = Record<string, unknown>;

export interface SchemaError {
  /** JSON pointer into the validated value. */
  path: string;
  message: string;
  /** True for "field not in the schema" (strict mode only). */
  unknownField?: boolean;
}

const KNOWN_KEYWORDS = new Set(['$ref', 'type', 'nullable', 'properties', 'required', 'items', 'additionalProperties', 'enum', 'oneOf', 'format']);

// Kubernetes resource quantities: a number with an optional SI, binary-SI or exponent suffix.
const QUANTITY = /^[+-]?(\d+\.?\d*|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

function formatError(value: unknown, format: string): string | undefined {
  switch (format) {
    case 'int32':
      return typeof value === 'number' && (value < -(2 ** 31) || value > 2 ** 31 - 1) ? 'outside int32' : undefined;
    case 'int64':
      return typeof value === 'number' && !Number.isSafeInteger(value) ? 'outside the integers a JSON number holds exactly' : undefined;
    case 'quantity':
      return typeof value === 'string' && !QUANTITY.test(value) ? `not a quantity: ${JSON.stringify(value)}` : undefined;
    case 'date-time':
      return typeof value === 'string' && !DATE_TIME.test(value) ? `not an RFC 3339 time: ${JSON.stringify(value)}` : undefined;
    case 'byte':
      return typeof value === 'string' && !BASE64.test(value) ? 'not base64' : undefined;
    default:
      throw new Error(`schema uses format "${format}", which this validator does not implement`);
  }
}

export class SchemaValidator {
  constructor(
    private readonly definitions: Record<string, JsonSchema>,
    private readonly options: { strict: boolean },
  ) {}

  validate(value: unknown, definitionId: string): SchemaError[] {
    const errors: SchemaError[] = [];
    this.check(value, this.resolve(definitionId), '', errors);
    return errors;
  }

  private resolve(ref: string): JsonSchema {
    const schema = this.definitions[ref.replace(/#$/, '')];
    if (!schema) throw new Error(`no definition ${ref}`);
    return schema;
  }

  private check(value: unknown, schema: JsonSchema, path: string, errors: SchemaError[]): void {
    for (const keyword of Object.keys(schema)) {
      if (!KNOWN_KEYWORDS.has(keyword)) throw new Error(`schema keyword "${keyword}" at ${path || '/'} is not implemented`);
    }
    if (value === null && schema.nullable === true) return;
    if (typeof schema.$ref === 'string') {
      this.check(value, this.resolve(schema.$ref), path, errors);
    }
    if (typeof schema.type === 'string' && !matchesType(value, schema.type)) {
      errors.push({ path, message: `expected ${schema.type}, got ${typeOf(value)}` });
      return;
    }
    if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
      errors.push({ path, message: `${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}` });
    }
    if (typeof schema.format === 'string') {
      const problem = formatError(value, schema.format);
      if (problem) errors.push({ path, message: problem });
    }
    if (Array.isArray(schema.oneOf)) this.checkOneOf(value, schema.oneOf as JsonSchema[], path, errors);
    if (Array.isArray(value) && schema.items) {
      value.forEach((item, i) => this.check(item, schema.items as JsonSchema, `${path}/${i}`, errors));
    }
    if (typeOf(value) === 'object') this.checkObject(value as Record<string, unknown>, schema, path, errors);
  }

  private checkOneOf(value: unknown, branches: JsonSchema[], path: string, errors: SchemaError[]): void {
    const results = branches.map((branch) => {
      const branchErrors: SchemaError[] = [];
      this.check(value, branch, path, branchErrors);
      return branchErrors;
    });
    const matching = results.filter((r) => r.length === 0).length;
    if (matching === 1) return;
    if (matching > 1) {
      errors.push({ path, message: `matches ${matching} branches of oneOf, expected exactly one` });
      return;
    }
    // None matched. A branch that failed only on the value's type (`null` for an object) was not
    // the one meant; of the others, the one with the fewest errors says best what is wrong.
    const wrongType = (r: SchemaError[]) => r.length === 1 && r[0].path === path && r[0].message.startsWith('expected ');
    const meant = results.filter((r) => !wrongType(r));
    errors.push(...(meant.length > 0 ? meant : results).reduce((best, r) => (r.length < best.length ? r : best)));
  }

  private checkObject(value: Record<string, unknown>, schema: JsonSchema, path: string, errors: SchemaError[]): void {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const name of (schema.required ?? []) as string[]) {
      if (value[name] === undefined) errors.push({ path, message: `missing required field "${name}"` });
    }
    for (const [name, field] of Object.entries(value)) {
      const fieldPath = `${path}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (name in properties) {
        this.check(field, properties[name], fieldPath, errors);
      } else if (typeof schema.additionalProperties === 'object') {
        this.check(field, schema.additionalProperties as JsonSchema, fieldPath, errors);
      } else if (schema.additionalProperties === false || (this.options.strict && schema.properties)) {
        errors.push({ path: fieldPath, message: `unknown field "${name}"`, unknownField: true });
      }
    }
  }
}
