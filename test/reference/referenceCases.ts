// Finds the reference cases: every folder under test/fixtures/reference/ and under
// $FTLAB_REFERENCE_DIR (when set), classified by the files it holds (see the fixtures' README):
//   model case  — golden.safetensors + config.json
//   LoRA case   — golden.safetensors + golden.json naming its `base` (a sibling model case)
//   AdamW case  — a folder named adamw with golden.json
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FIXTURE_ROOT = resolve(__dirname, '../fixtures/reference');

export interface CaseFolder {
  name: string;
  dir: string;
}

export function caseRoots(): string[] {
  const roots = [FIXTURE_ROOT];
  const extra = process.env.FTLAB_REFERENCE_DIR;
  if (extra) {
    if (!existsSync(extra) || !statSync(extra).isDirectory()) throw new Error(`FTLAB_REFERENCE_DIR=${extra} is not a directory`);
    roots.push(resolve(extra));
  }
  return roots;
}

function folders(): CaseFolder[] {
  return caseRoots().flatMap((root) =>
    readdirSync(root)
      .map((name) => ({ name, dir: join(root, name) }))
      .filter((c) => statSync(c.dir).isDirectory())
      .map((c) => ({ name: root === FIXTURE_ROOT ? c.name : `${c.name} (${root})`, dir: c.dir })),
  );
}

const has = (dir: string, file: string): boolean => existsSync(join(dir, file));

export function modelCases(): CaseFolder[] {
  return folders().filter((c) => has(c.dir, 'golden.safetensors') && has(c.dir, 'config.json'));
}

export interface LoraCase extends CaseFolder {
  baseDir: string;
}

export function loraCases(): LoraCase[] {
  return folders()
    .filter((c) => has(c.dir, 'golden.safetensors') && !has(c.dir, 'config.json') && has(c.dir, 'golden.json'))
    .flatMap((c) => {
      const base = (JSON.parse(readFileSync(join(c.dir, 'golden.json'), 'utf8')) as { base?: unknown }).base;
      return typeof base === 'string' ? [{ ...c, baseDir: join(c.dir, '..', base) }] : [];
    });
}

export function adamwCases(): CaseFolder[] {
  return folders().filter((c) => c.dir.endsWith('adamw') && has(c.dir, 'golden.json'));
}
