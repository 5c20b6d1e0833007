// Requests of the language features, sent the way an editor sends them.
import { CodeActionRequest, HoverRequest, type CodeAction, type Diagnostic, type Hover, type Position } from 'vscode-languageserver-protocol/node';
import type { ServerUnderTest } from './serverProcess';

export async function quickFixes(server: ServerUnderTest, uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
  const range = diagnostics.length
    ? { start: diagnostics[0].range.start, end: diagnostics[diagnostics.length - 1].range.end }
    : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const result = await server.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range,
    context: { diagnostics, ...(only ? { only } : {}) },
  });
  return (result ?? []) as CodeAction[];
}

export async function hoverAt(server: ServerUnderTest, uri: string, position: Position): Promise<Hover | null> {
  return server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
}
