// Debounces diagnostics per document: a burst of keystrokes produces one check, ~200 ms after the
// last change. The check runs on a timer, never inside the didChange handler, so the connection
// keeps answering other requests while the user types; a check may wait for something (a model's
// tokenizer loading once), and results for a version that has since been replaced are dropped
// instead of published.
import type { Connection, Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';

export const DIAGNOSTICS_DEBOUNCE_MS = 200;

export type DocumentDiagnoser = (document: TextDocument) => Diagnostic[] | Promise<Diagnostic[]>;

export class DiagnosticScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly connection: Connection,
    private readonly diagnose: DocumentDiagnoser,
    private readonly currentVersion: (uri: string) => TextDocument | undefined,
    private readonly delayMs = DIAGNOSTICS_DEBOUNCE_MS,
  ) {}

  schedule(document: TextDocument): void {
    this.cancel(document.uri);
    const { uri, version } = document;
    const timer = setTimeout(() => {
      this.timers.delete(uri);
      void this.check(uri, version);
    }, this.delayMs);
    this.timers.set(uri, timer);
  }

  private async check(uri: string, version: number): Promise<void> {
    const isCurrent = () => this.currentVersion(uri)?.version === version;
    const latest = this.currentVersion(uri);
    if (!latest || !isCurrent()) return;
    let diagnostics: Diagnostic[];
    try {
      diagnostics = await this.diagnose(latest);
    } catch (error) {
      // A checker bug must not kill the server or leave stale squiggles; report it and move on.
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.connection.console.error(`diagnostics failed for ${uri}: ${message}`);
      diagnostics = [];
    }
    // Edited (or closed) while the check waited: a newer check is due, or the problems were cleared.
    if (!isCurrent()) return;
    void this.connection.sendDiagnostics({ uri, version, diagnostics });
  }

  /** Called when a document closes: drop its pending check and clear its problems. */
  clear(uri: string): void {
    this.cancel(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private cancel(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer) clearTimeout(timer);
    this.timers.delete(uri);
  }
}
