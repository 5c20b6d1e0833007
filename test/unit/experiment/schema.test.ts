// media/experiment.schema.json and the validator agree: the file is what the schema table
// generates, every key the JSON Schema names is accepted by the validator, and every key the
// validator accepts is in the JSON Schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { experimentJsonSchemaText } from '../../../server/core/experiment/jsonSchema';
import { EXPERIMENT_SCHEMA } from '../../../server/core/experiment/experimentSchema';
import { expandUnion, type SchemaNode } from '../../../server/core/experiment/schemaModel';
import { parseExperiment } from '../../../server/core/experiment/parse';
import { Code } from '../../../server/core/experiment/codes';

type Json = Record<string, unknown>;
const fileSchema = JSON.parse(readFileSync('media/experiment.schema.json', 'utf8')) as Json;

test('media/experiment.schema.json is up to date (regenerate: npx tsx server/core/experiment/writeJsonSchema.ts)', () => {
  assert.equal(readFileSync('media/experiment.schema.json', 'utf8'), experimentJsonSchemaText());
  assert.equal(fileSchema.$schema, 'http://json-schema.org/draft-07/schema#');
});

/** Every fixed key path (objects' properties, through lists and unions) of a JSON Schema. */
function jsonSchemaKeys(node: Json, prefix: string, out: Set<string>): Set<string> {
  for (const variant of (node.anyOf as Json[] | undefined) ?? [node]) {
    if (variant.items) jsonSchemaKeys(variant.items as Json, `${prefix}[]`, out);
    for (const [key, child] of Object.entries((variant.properties as Json | undefined) ?? {})) {
      out.add(`${prefix}${key}`);
      jsonSchemaKeys(child as Json, `${prefix}${key}.`, out);
    }
    if (variant.additionalProperties && typeof variant.additionalProperties === 'object') {
      jsonSchemaKeys(variant.additionalProperties as Json, `${prefix}*.`, out);
    }
  }
  return out;
}

/** The same walk over the validator's table. */
function validatorKeys(node: SchemaNode, prefix: string, out: Set<string>): Set<string> {
  for (const variant of expandUnion(node)) {
    if (variant.kind === 'array') validatorKeys(variant.items, `${prefix}[]`, out);
    if (variant.kind !== 'object') continue;
    for (const [key, child] of Object.entries(variant.properties)) {
      out.add(`${prefix}${key}`);
      validatorKeys(child, `${prefix}${key}.`, out);
    }
    if (variant.additional) validatorKeys(variant.additional, `${prefix}*.`, out);
  }
  return out;
}

test('the JSON Schema and the validator know the same keys', () => {
  const inFile = jsonSchemaKeys(fileSchema, '', new Set());
  const inValidator = validatorKeys(EXPERIMENT_SCHEMA, '', new Set());
  assert.ok(inFile.size > 50, `found ${inFile.size} keys`);
  assert.deepEqual([...inFile].sort(), [...inValidator].sort());
});

/** A YAML document that sets one key path (`*` → a made-up name, `[]` → a one-item list). */
function documentSetting(path: string): string {
  const steps = path.split('.');
  const doc = parseDocument('{}');
  const keys: (string | number)[] = [];
  for (const step of steps) {
    const list = step.endsWith('[]');
    keys.push(step.replace('[]', '') === '*' ? 'x' : step.replace('[]', ''));
    if (list) keys.push(0);
  }
  doc.setIn(keys, 1);
  return doc.toString();
}

test('the validator accepts every key the JSON Schema names (no unknown-key diagnostic)', () => {
  for (const path of jsonSchemaKeys(fileSchema, '', new Set())) {
    const text = documentSetting(path);
    const unknown = parseExperiment(text).diagnostics.filter((d) => d.code === Code.unknownKey || d.code === Code.unknownMethod);
    assert.deepEqual(unknown, [], `${path}:\n${text}`);
  }
});

test('a key outside the JSON Schema is rejected by the validator', () => {
  for (const text of ['bogus: 1\n', 'training:\n  bogus: 1\n', 'methods:\n  lora:\n    bogus: 1\n', 'data:\n  custom:\n    t:\n      bogus: 1\n']) {
    const codes = parseExperiment(text).diagnostics.map((d) => d.code);
    assert.ok(codes.includes(Code.unknownKey), `${text} → ${codes.join(', ')}`);
  }
});

test('every schema node has a description (hover text)', () => {
  const missing: string[] = [];
  const visit = (node: SchemaNode, path: string) => {
    if (!node.description?.trim()) missing.push(path || '(root)');
    if (node.kind === 'union') node.variants.forEach((v, i) => visit(v, `${path}|${i}`));
    if (node.kind === 'array') visit(node.items, `${path}[]`);
    if (node.kind === 'object') {
      for (const [k, v] of Object.entries(node.properties)) visit(v, path ? `${path}.${k}` : k);
      if (node.additional) visit(node.additional, `${path}.*`);
    }
  };
  visit(EXPERIMENT_SCHEMA, '');
  assert.deepEqual(missing, []);
});
