// What the host has told the results webview, kept so that it can be told again. The webview says
// `ready` before the host sends anything; until then nothing is sent. And since the panel does not
// retain its context when hidden (and is rebuilt after a window reload), every new `ready` gets
// the current picture replayed: server info, the open run with the trials that finished since, the
// run list, and the latest progress. No vscode import, so it is tested on its own.
import type { HostToWebview, MessageOf, RunProgressMessage } from '../protocol/webview';

export class WebviewOutbox {
  private ready = false;
  private serverInfo: MessageOf<HostToWebview, 'serverInfo'> | undefined;
  private runs: MessageOf<HostToWebview, 'runs'> | undefined;
  private runData: MessageOf<HostToWebview, 'runData'> | undefined;
  private readonly progress = new Map<string, RunProgressMessage>();

  constructor(private readonly deliver: (message: HostToWebview) => void) {}

  get isReady(): boolean {
    return this.ready;
  }

  post(message: HostToWebview): void {
    this.remember(message);
    if (this.ready) this.deliver(message);
  }

  /** The webview (new or reloaded) listens now: send it everything it should show. */
  markReady(): void {
    this.ready = true;
    for (const message of this.snapshot()) this.deliver(message);
  }

  /** The webview's page is gone (hidden without retained context): hold messages until `ready`. */
  markGone(): void {
    this.ready = false;
  }

  /** Run data before the run list, so the webview does not ask for a run it is about to get. */
  snapshot(): HostToWebview[] {
    const out: HostToWebview[] = [];
    if (this.serverInfo) out.push(this.serverInfo);
    if (this.runData) out.push(this.runData);
    if (this.runs) out.push(this.runs);
    out.push(...this.progress.values());
    return out;
  }

  private remember(message: HostToWebview): void {
    switch (message.type) {
      case 'serverInfo':
        this.serverInfo = message;
        break;
      case 'runs':
        this.runs = message;
        break;
      case 'runData':
        this.runData = message;
        break;
      case 'trialFinished': {
        const data = this.runData;
        if (!data || data.summary.runId !== message.runId) break;
        const others = data.trials.filter((t) => t.key !== message.record.key);
        this.runData = { ...data, trials: [...others, message.record] };
        break;
      }
      case 'runProgress':
        this.progress.set(message.runId, message);
        break;
    }
  }
}
