// Completion, hover and quick fixes, dispatched by language. Each handler reads the open document
// as it is now; none of them waits for the diagnostics' debounce.
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type CompletionItem,
  type CompletionParams,
  type Connection,
  type Hover,
  type HoverParams,
  type ServerCapabilities,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { EXPERIMENT_LANGUAGE_ID, PATTERN_LANGUAGE_ID } from '../../protocol/lsp';
import { experimentCodeActions } from './experimentCodeActions';
import { completeExperiment } from './experimentCompletion';
import { hoverExperiment } from './experimentHover';
import type { FeatureContext } from './featureContext';
import { builtinFieldOffers, openPlaceholder, placeholderItems } from './placeholderCompletion';

export const FEATURE_CAPABILITIES: ServerCapabilities = {
  // `{` opens a placeholder; a space follows `key:` and `- `; `[` and `,` start flow-list items.
  completionProvider: { triggerCharacters: ['{', ' ', '[', ','] },
  hoverProvider: true,
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
};

export function registerLanguageFeatures(connection: Connection, documents: TextDocuments<TextDocument>, ctx: FeatureContext): void {
  connection.onCompletion(({ textDocument, position }: CompletionParams): CompletionItem[] => {
    const document = documents.get(textDocument.uri);
    if (!document) return [];
    const offset = document.offsetAt(position);
    if (document.languageId === EXPERIMENT_LANGUAGE_ID) return completeExperiment(document, offset, ctx);
    if (document.languageId === PATTERN_LANGUAGE_ID) return completePattern(document, offset);
    return [];
  });

  connection.onHover(async ({ textDocument, position }: HoverParams): Promise<Hover | null> => {
    const document = documents.get(textDocument.uri);
    if (!document || document.languageId !== EXPERIMENT_LANGUAGE_ID) return null;
    return hoverExperiment(document, document.offsetAt(position), ctx);
  });

  connection.onCodeAction(({ textDocument, context }: CodeActionParams): CodeAction[] => {
    const document = documents.get(textDocument.uri);
    if (!document || document.languageId !== EXPERIMENT_LANGUAGE_ID) return [];
    if (context.only && !context.only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
    return experimentCodeActions(document, context.diagnostics);
  });
}

/** A pattern file is one pattern; which task uses it is not known, so every built-in field is offered. */
function completePattern(document: TextDocument, offset: number): CompletionItem[] {
  const text = document.getText();
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const nameBefore = openPlaceholder(text.slice(lineStart, offset));
  return nameBefore === undefined ? [] : placeholderItems(document, offset, nameBefore, builtinFieldOffers());
}
