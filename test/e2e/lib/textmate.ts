// Tokenizes text with the TextMate engine VS Code itself uses (vscode-textmate + vscode-oniguruma,
// taken from the installed code-server so the versions are the workbench's own).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const vscodeModules = join(__dirname, '..', 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
const requireVscode = createRequire(join(vscodeModules, 'index.js'));

interface Token {
  startIndex: number;
  endIndex: number;
  scopes: string[];
}
interface Grammar {
  tokenizeLine(line: string, state: unknown): { tokens: Token[]; ruleStack: unknown };
}

export interface ScopedText {
  text: string;
  scopes: string[];
}

/** Loads a grammar file and returns a function giving each line's tokens with their text. */
export async function loadGrammar(grammarPath: string): Promise<(text: string) => ScopedText[][]> {
  const oniguruma = requireVscode('vscode-oniguruma');
  const textmate = requireVscode('vscode-textmate');
  const wasm = readFileSync(join(vscodeModules, 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const raw = JSON.parse(readFileSync(grammarPath, 'utf8')) as { scopeName: string };
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => (scopeName === raw.scopeName ? raw : null),
  });
  const grammar = (await registry.loadGrammar(raw.scopeName)) as Grammar;
  return (text) => {
    let state: unknown = textmate.INITIAL;
    return text.split('\n').map((line) => {
      const result = grammar.tokenizeLine(line, state);
      state = result.ruleStack;
      return result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
    });
  };
}
