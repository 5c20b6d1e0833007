// Writes media/experiment.schema.json from the schema table: npx tsx server/core/experiment/writeJsonSchema.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { experimentJsonSchemaText } from './jsonSchema';

const target = fileURLToPath(new URL('../../../media/experiment.schema.json', import.meta.url));
writeFileSync(target, experimentJsonSchemaText());
console.log(`wrote ${target}`);
