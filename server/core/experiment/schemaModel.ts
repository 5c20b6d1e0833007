// A small schema language for the experiment file. One table written in it (experimentSchema.ts)
// drives the validator's shape checks, the JSON Schema in media/ (jsonSchema.ts) and hover text,
// so the three cannot drift apart.

import type { Code } from './codes';

interface NodeBase {
  /** Shown on hover and written into the JSON Schema. */
  description: string;
  default?: unknown;
}

export interface ObjectNode extends NodeBase {
  kind: 'object';
  properties: Record<string, SchemaNode>;
  /** Schema of keys not in `properties` (maps keyed by task name, label, …); absent = unknown keys are errors. */
  additional?: SchemaNode;
  /** What an additional key names, for messages ("task", "label"). */
  additionalKeyNoun?: string;
  required?: readonly string[];
  /** An empty YAML value (`vanilla:`) means an empty mapping. */
  nullable?: boolean;
  /** Code and noun for keys that are not allowed ("unknown method 'lorra'"). */
  unknownKeyCode?: Code;
  unknownKeyNoun?: string;
}

export interface ArrayNode extends NodeBase {
  kind: 'array';
  items: SchemaNode;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
}

export interface StringNode extends NodeBase {
  kind: 'string';
  enum?: readonly string[];
  /** Code for a value outside `enum` (default unknown-value) and the noun for its message. */
  enumCode?: Code;
  noun?: string;
  minLength?: number;
  maxLength?: number;
  /** Values offered by completion without being the only ones allowed. */
  examples?: readonly string[];
}

export interface NumberNode extends NodeBase {
  kind: 'number' | 'integer';
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

export interface BooleanNode extends NodeBase {
  kind: 'boolean';
}

/** One of several shapes; the variants must differ in YAML shape (mapping, list, string, number, boolean). */
export interface UnionNode extends NodeBase {
  kind: 'union';
  variants: readonly SchemaNode[];
}

export type SchemaNode = ObjectNode | ArrayNode | StringNode | NumberNode | BooleanNode | UnionNode;

/** The schema node at a key path (numbers step into lists), or undefined where the path leaves the schema. */
export function schemaAt(root: SchemaNode, path: readonly (string | number)[]): SchemaNode | undefined {
  let candidates: SchemaNode[] = [root];
  for (const step of path) {
    const next: SchemaNode[] = [];
    for (const node of candidates.flatMap(expandUnion)) {
      if (typeof step === 'number' && node.kind === 'array') next.push(node.items);
      if (typeof step === 'string' && node.kind === 'object') {
        const child = Object.hasOwn(node.properties, step) ? node.properties[step] : node.additional;
        if (child) next.push(child);
      }
    }
    if (next.length === 0) return undefined;
    candidates = next;
  }
  return candidates[0];
}

export function expandUnion(node: SchemaNode): SchemaNode[] {
  return node.kind === 'union' ? node.variants.flatMap(expandUnion) : [node];
}
