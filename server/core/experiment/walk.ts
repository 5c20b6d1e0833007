// Checks a parsed YAML document against the schema table, recording where every value is.
// Returns plain data holding only the values that passed (invalid ones are left out, list items
// become undefined so indexes keep matching the source). Aliases are followed, within a budget
// of node visits: an alias bomb (each level repeating the one below) ends in one diagnostic.

import { isAlias, isMap, isScalar, isSeq, type Document } from 'yaml';
import { AnchorIndex } from './anchors';
import { DiagnosticSeverity } from '../../../protocol/experiment';
import { Code } from './codes';
import { formatPath, type Path, type Reporter } from './reporter';
import { expandUnion, type SchemaNode } from './schemaModel';
import { nearest } from './suggest';

export interface WalkLimits {
  /** Node visits, counting every alias expansion. */
  maxVisits: number;
  /** Walk depth, counting alias hops (catches an anchor that contains its own alias). */
  maxDepth: number;
}

export const DEFAULT_WALK_LIMITS: WalkLimits = { maxVisits: 20_000, maxDepth: 100 };

const ERROR = DiagnosticSeverity.Error;

type Shape = 'mapping' | 'list' | 'string' | 'number' | 'boolean' | 'null' | 'other';
type Offsets = readonly [number, number];

interface YamlLike {
  range?: readonly [number, number, number] | null;
}

export function walkDocument(doc: Document.Parsed, schema: SchemaNode, reporter: Reporter, limits = DEFAULT_WALK_LIMITS): unknown {
  const walker = new Walker(doc, reporter, limits);
  const root = doc.contents as unknown;
  return walker.walk(root, schema, [], offsetsOf(root) ?? [0, 0], 0);
}

function offsetsOf(node: unknown): Offsets | undefined {
  const range = (node as YamlLike | null)?.range;
  return range ? [range[0], range[1]] : undefined;
}

class Walker {
  private visits = 0;
  private exhausted = false;
  private readonly anchors: AnchorIndex;

  constructor(
    doc: Document.Parsed,
    private readonly reporter: Reporter,
    private readonly limits: WalkLimits,
  ) {
    this.anchors = new AnchorIndex(doc);
  }

  walk(raw: unknown, schema: SchemaNode, path: Path, at: Offsets, depth: number): unknown {
    if (this.exhausted) return undefined;
    if (++this.visits > this.limits.maxVisits || depth > this.limits.maxDepth) {
      this.exhausted = true;
      this.reporter.at(
        ERROR,
        Code.tooComplex,
        'The document is too large or too deeply nested once its aliases (*name) are expanded; no further checks were made.',
        at[0],
        at[1],
      );
      return undefined;
    }
    let node = raw;
    if (isAlias(node)) {
      const target = this.anchors.resolve(node);
      if (!target) {
        this.reporter.at(ERROR, Code.unknownAnchor, `Unknown anchor \`&${node.source}\`: no node above defines it.`, at[0], at[1]);
        return undefined;
      }
      node = target;
      depth++;
    }
    const shape = shapeOf(node);
    const variant = pickVariant(schema, shape);
    if (!variant) {
      this.mismatch(schema, shape, node, path, at);
      return undefined;
    }
    switch (variant.kind) {
      case 'object':
        return this.walkObject(node, variant, path, at, depth);
      case 'array':
        return this.walkArray(node, variant, path, at, depth);
      case 'string':
        return this.checkString((node as { value: string }).value, variant, path, at);
      case 'number':
      case 'integer':
        return this.checkNumber((node as { value: number }).value, variant, path, at);
      case 'boolean':
        return (node as { value: boolean }).value;
      case 'union':
        return undefined; // pickVariant flattens unions
    }
  }

  private mismatch(schema: SchemaNode, shape: Shape, node: unknown, path: Path, at: Offsets): void {
    const expected = describeExpected(schema);
    if (shape === 'null') {
      this.reporter.at(ERROR, Code.missingValue, `\`${formatPath(path)}\` has no value; expected ${expected}.`, at[0], at[1]);
    } else {
      this.reporter.at(ERROR, Code.wrongType, `\`${formatPath(path)}\`: expected ${expected}, found ${describeFound(node, shape)}.`, at[0], at[1]);
    }
  }

  private walkObject(node: unknown, schema: Extract<SchemaNode, { kind: 'object' }>, path: Path, at: Offsets, depth: number) {
    const out: Record<string, unknown> = Object.create(null);
    if (!isMap(node)) return out; // an empty value of a nullable mapping
    const seen = new Set<string>();
    for (const pair of node.items) {
      const keyAt = offsetsOf(pair.key) ?? at;
      let keyNode: unknown = pair.key;
      if (isAlias(keyNode)) keyNode = this.anchors.resolve(keyNode);
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        this.reporter.at(ERROR, Code.wrongType, `Keys in \`${formatPath(path)}\` must be plain names.`, keyAt[0], keyAt[1]);
        continue;
      }
      const key = String(keyNode.value);
      if (seen.has(key)) {
        this.reporter.at(ERROR, Code.duplicateItem, `\`${key}\` is given twice in \`${formatPath(path)}\`.`, keyAt[0], keyAt[1]);
        continue;
      }
      seen.add(key);
      const child = Object.hasOwn(schema.properties, key) ? schema.properties[key] : schema.additional;
      if (!child) {
        this.unknownKey(key, schema, path, keyAt);
        continue;
      }
      const childPath = [...path, key];
      const valueAt = offsetsOf(pair.value) ?? ([keyAt[1], keyAt[1]] as const);
      this.reporter.positions.set(childPath, { key: keyAt, value: valueAt });
      const value = this.walk(pair.value, child, childPath, valueAt, depth + 1);
      if (value !== undefined) out[key] = value;
    }
    for (const key of schema.required ?? []) {
      if (!seen.has(key)) {
        const where = this.reporter.positions.get(path)?.key ?? at;
        this.reporter.at(ERROR, Code.missingKey, `\`${formatPath(path)}\` needs \`${key}\`.`, where[0], where[1], { suggestion: key });
      }
    }
    return out;
  }

  private unknownKey(key: string, schema: Extract<SchemaNode, { kind: 'object' }>, path: Path, at: Offsets): void {
    const suggestion = nearest(key, Object.keys(schema.properties));
    const noun = schema.unknownKeyNoun ?? 'key';
    const where = path.length ? ` in \`${formatPath(path)}\`` : '';
    const hint = suggestion ? `; did you mean \`${suggestion}\`?` : `; expected one of: ${Object.keys(schema.properties).join(', ')}.`;
    this.reporter.at(ERROR, schema.unknownKeyCode ?? Code.unknownKey, `Unknown ${noun} \`${key}\`${where}${hint}`, at[0], at[1], suggestion ? { suggestion, replacement: suggestion } : undefined);
  }

  private walkArray(node: unknown, schema: Extract<SchemaNode, { kind: 'array' }>, path: Path, at: Offsets, depth: number) {
    if (!isSeq(node)) return undefined;
    const out: unknown[] = [];
    const seen = new Set<string>();
    node.items.forEach((item, index) => {
      const itemPath = [...path, index];
      const itemAt = offsetsOf(item) ?? at;
      this.reporter.positions.set(itemPath, { value: itemAt });
      const value = this.walk(item, schema.items, itemPath, itemAt, depth + 1);
      if (schema.uniqueItems && value !== undefined) {
        const id = JSON.stringify(value);
        if (seen.has(id)) this.reporter.at(ERROR, Code.duplicateItem, `${id} appears twice in \`${formatPath(path)}\`.`, itemAt[0], itemAt[1]);
        seen.add(id);
      }
      out.push(value);
    });
    if (schema.minItems !== undefined && node.items.length < schema.minItems) {
      this.reporter.at(ERROR, Code.tooFewItems, `\`${formatPath(path)}\` needs at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}.`, at[0], at[1]);
    }
    if (schema.maxItems !== undefined && node.items.length > schema.maxItems) {
      this.reporter.at(ERROR, Code.tooManyItems, `\`${formatPath(path)}\` allows at most ${schema.maxItems} items.`, at[0], at[1]);
    }
    return out;
  }

  private checkString(value: string, schema: Extract<SchemaNode, { kind: 'string' }>, path: Path, at: Offsets): string | undefined {
    if (schema.enum && !schema.enum.includes(value)) {
      const suggestion = nearest(value, schema.enum);
      const noun = schema.noun ?? 'value';
      const hint = suggestion ? `; did you mean \`${suggestion}\`?` : `; expected one of: ${schema.enum.join(', ')}.`;
      const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
      this.reporter.at(ERROR, schema.enumCode ?? Code.unknownValue, `Unknown ${noun} \`${shown}\` in \`${formatPath(path)}\`${hint}`, at[0], at[1], suggestion ? { suggestion, replacement: suggestion } : undefined);
      return undefined;
    }
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      this.reporter.at(ERROR, Code.missingValue, `\`${formatPath(path)}\` must not be empty.`, at[0], at[1]);
      return undefined;
    }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      this.reporter.at(ERROR, Code.outOfRange, `\`${formatPath(path)}\` is longer than ${schema.maxLength} characters.`, at[0], at[1]);
      return undefined;
    }
    return value;
  }

  private checkNumber(value: number, schema: Extract<SchemaNode, { kind: 'number' | 'integer' }>, path: Path, at: Offsets): number | undefined {
    const name = `\`${formatPath(path)}\``;
    const fail = (code: string, message: string) => {
      this.reporter.at(ERROR, code, message, at[0], at[1]);
      return undefined;
    };
    if (!Number.isFinite(value)) return fail(Code.outOfRange, `${name} must be a finite number (got ${value}).`);
    if (schema.kind === 'integer' && !Number.isInteger(value)) return fail(Code.notInteger, `${name} must be a whole number (got ${value}).`);
    if (schema.minimum !== undefined && value < schema.minimum) return fail(Code.outOfRange, `${name} must be at least ${schema.minimum} (got ${value}).`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) {
      return fail(Code.outOfRange, `${name} must be greater than ${schema.exclusiveMinimum} (got ${value}).`);
    }
    if (schema.maximum !== undefined && value > schema.maximum) return fail(Code.outOfRange, `${name} must be at most ${schema.maximum} (got ${value}).`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) {
      return fail(Code.outOfRange, `${name} must be less than ${schema.exclusiveMaximum} (got ${value}).`);
    }
    return value;
  }
}

function shapeOf(node: unknown): Shape {
  if (node === null || node === undefined) return 'null';
  if (isMap(node)) return 'mapping';
  if (isSeq(node)) return 'list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'string') return 'string';
    if (typeof v === 'number') return 'number';
    if (typeof v === 'boolean') return 'boolean';
  }
  return 'other';
}

const FITS: Record<Exclude<SchemaNode['kind'], 'union'>, Shape[]> = {
  object: ['mapping', 'null'],
  array: ['list'],
  string: ['string'],
  number: ['number'],
  integer: ['number'],
  boolean: ['boolean'],
};

function shapeFits(schema: SchemaNode, shape: Shape): boolean {
  if (schema.kind === 'union') return false;
  if (schema.kind === 'object' && shape === 'null') return schema.nullable === true;
  return FITS[schema.kind].includes(shape);
}

function pickVariant(schema: SchemaNode, shape: Shape): SchemaNode | undefined {
  return expandUnion(schema).find((variant) => shapeFits(variant, shape));
}

function describeExpected(schema: SchemaNode): string {
  switch (schema.kind) {
    case 'object':
      return 'a mapping (key: value lines)';
    case 'array':
      return 'a list';
    case 'string':
      return schema.enum ? `one of ${schema.enum.map((v) => `\`${v}\``).join(', ')}` : 'text';
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'union':
      return expandUnion(schema).map(describeExpected).join(' or ');
  }
}

function describeFound(node: unknown, shape: Shape): string {
  switch (shape) {
    case 'mapping':
      return 'a mapping';
    case 'list':
      return 'a list';
    case 'null':
      return 'an empty value';
    case 'boolean':
    case 'number':
      return `${shape === 'number' ? 'the number ' : ''}${String((node as { value: unknown }).value)}`;
    case 'string': {
      const text = (node as { value: string }).value;
      return `the text "${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;
    }
    case 'other':
      return 'a value of an unsupported type';
  }
}
