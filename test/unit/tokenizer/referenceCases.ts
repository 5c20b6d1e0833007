// Finds the tokenizer cases of the reference fixtures: every folder holding vocab.json, merges.txt
// and golden.json, under test/fixtures/reference/ and under $FTLAB_REFERENCE_DIR when it is set.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface TokenizerCase {
  name: string;
  dir: string;
}

export function referenceRoots(): string[] {
  const roots = [join(__dirname, '../../fixtures/reference')];
  if (process.env.FTLAB_REFERENCE_DIR) roots.push(process.env.FTLAB_REFERENCE_DIR);
  return roots;
}

export function tokenizerCases(): TokenizerCase[] {
  const cases: TokenizerCase[] = [];
  for (const root of referenceRoots()) {
    if (!existsSync(root)) throw new Error(`reference folder ${root} does not exist`);
    for (const name of readdirSync(root).sort()) {
      const dir = join(root, name);
      if (!statSync(dir).isDirectory()) continue;
      if (['vocab.json', 'merges.txt', 'golden.json'].every((f) => existsSync(join(dir, f)))) {
        cases.push({ name: `${name} (${root})`, dir });
      }
    }
  }
  return cases;
}
