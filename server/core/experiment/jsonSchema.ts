// The schema table as a draft-07 JSON Schema: what media/experiment.schema.json holds, for VS Code's
// and other YAML tooling's hover and completion. Regenerate the file with
//   npx tsx server/core/experiment/writeJsonSchema.ts
// (a unit test fails when the file and the table disagree).

import { EXPERIMENT_SCHEMA } from './experimentSchema';
import type { SchemaNode } from './schemaModel';

type Json = Record<string, unknown>;

export function toJsonSchema(node: SchemaNode): Json {
  const base: Json = { description: node.description };
  if (node.default !== undefined) base.default = node.default;
  switch (node.kind) {
    case 'object': {
      const properties: Json = {};
      for (const [key, child] of Object.entries(node.properties)) properties[key] = toJsonSchema(child);
      return {
        type: node.nullable ? ['object', 'null'] : 'object',
        ...base,
        properties,
        ...(node.required?.length ? { required: [...node.required] } : {}),
        additionalProperties: node.additional ? toJsonSchema(node.additional) : false,
      };
    }
    case 'array':
      return {
        type: 'array',
        ...base,
        items: toJsonSchema(node.items),
        ...(node.minItems !== undefined ? { minItems: node.minItems } : {}),
        ...(node.maxItems !== undefined ? { maxItems: node.maxItems } : {}),
        ...(node.uniqueItems ? { uniqueItems: true } : {}),
      };
    case 'string':
      return {
        type: 'string',
        ...base,
        ...(node.enum ? { enum: [...node.enum] } : {}),
        ...(node.examples ? { examples: [...node.examples] } : {}),
        ...(node.minLength !== undefined ? { minLength: node.minLength } : {}),
        ...(node.maxLength !== undefined ? { maxLength: node.maxLength } : {}),
      };
    case 'number':
    case 'integer': {
      const bounds: Json = {};
      for (const key of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) {
        if (node[key] !== undefined) bounds[key] = node[key];
      }
      return { type: node.kind, ...base, ...bounds };
    }
    case 'boolean':
      return { type: 'boolean', ...base };
    case 'union':
      return { ...base, anyOf: node.variants.map(toJsonSchema) };
  }
}

export function experimentJsonSchema(): Json {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Fine-Tune Lab experiment (*.ftlab.yaml)',
    ...toJsonSchema(EXPERIMENT_SCHEMA),
  };
}

/** The file's text: two-space JSON with a final newline. */
export function experimentJsonSchemaText(): string {
  return `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`;
}
