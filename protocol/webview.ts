// Messages between the results panel's host (extension/resultsPanel.ts, or the HTML report's shim)
// and the results webview (webview/). Both directions are discriminated unions on `type`
// (vscode-hexeditor style), handled on each side by the one typed dispatcher below, and checked at
// the boundary by runtime validators: a message from the other side is untrusted, and a malformed
// one is logged and dropped, never allowed to break the panel or the host.
//
// Pure module: types, validators and a dispatcher, no side effects. The run/server shapes are the
// ones the language server already sends (protocol/lsp.ts), so the host forwards them unchanged.
import type { RunProgress, RunState, RunSummary, ServerInfo, TrialFinished } from './lsp';
import type { EvalMetrics, RunManifest, TrialConfig, TrialError, TrialRecord } from './results';
import { METHOD_IDS } from './results';
import {
  arrayOf,
  boolean,
  finite,
  integer,
  literal,
  nullableNumberArray,
  objectOf,
  oneOf,
  optional,
  recordOf,
  string,
  unknownValue,
  type Validator,
  variantOf,
} from './validate';

// ---- Webview → host ----------------------------------------------------------------------------

export type ExportFormat = 'csv' | 'json';

export type WebviewToHost =
  /** The webview's script runs and listens: the host sends nothing before this. */
  | { type: 'ready' }
  /** The results table, already rendered as CSV or JSON text, to be saved where the user chooses. */
  | { type: 'exportData'; format: ExportFormat; runId: string; content: string }
  /** A chart as a PNG data URL (canvas.toDataURL), to be saved where the user chooses. */
  | { type: 'savePng'; runId: string; chart: string; dataUrl: string }
  /** Show this run: the host answers with `runData`. */
  | { type: 'openRun'; runId: string }
  /** Refresh the list of runs: the host answers with `runs`. */
  | { type: 'requestRuns' };

// ---- Host → webview ----------------------------------------------------------------------------

/** Progress of one run, as the server reports it, with the run's state (finished runs included). */
export type RunProgressMessage = RunProgress & {
  type: 'runProgress';
  state: RunState;
  /** Why the run stopped, when it failed. */
  error?: string;
};

export type HostToWebview =
  | { type: 'serverInfo'; info: ServerInfo }
  | { type: 'runs'; runs: RunSummary[] }
  /** Everything the panel shows for one run; `warnings` are store problems (e.g. a torn last line). */
  | { type: 'runData'; summary: RunSummary; trials: TrialRecord[]; warnings: string[] }
  /** A trial finished while the run goes on: appended (or replaced by key) without a reload. */
  | ({ type: 'trialFinished' } & TrialFinished)
  | RunProgressMessage;

export type MessageOf<M extends { type: string }, K extends M['type']> = Extract<M, { type: K }>;

/** One handler per message type: adding a message type breaks every side that does not handle it. */
export type MessageHandlers<M extends { type: string }> = {
  [K in M['type']]: (message: MessageOf<M, K>) => void;
};

export type ParseResult<M> = { ok: true; message: M } | { ok: false; error: string };

/**
 * The one dispatcher both sides use: validate, then call the handler for the message's type.
 * Returns the validation error (also passed to `log`) so callers and tests can see what was dropped.
 */
export function createMessageDispatcher<M extends { type: string }>(
  parse: (raw: unknown) => ParseResult<M>,
  handlers: MessageHandlers<M>,
  log: (error: string) => void,
): (raw: unknown) => string | undefined {
  return (raw) => {
    const parsed = parse(raw);
    if (!parsed.ok) {
      log(parsed.error);
      return parsed.error;
    }
    const handler = handlers[parsed.message.type as M['type']] as (message: M) => void;
    try {
      handler(parsed.message);
    } catch (error) {
      // A bug in one handler must not stop the next message from being handled.
      const text = `handler for '${parsed.message.type}' threw: ${error instanceof Error ? error.message : String(error)}`;
      log(text);
      return text;
    }
    return undefined;
  };
}

// ---- Validators of the shared records ----------------------------------------------------------

const evalMetrics: Validator<EvalMetrics> = objectOf<EvalMetrics>({
  role: oneOf('in-domain', 'ood'),
  count: integer,
  accuracy: finite,
  mcc: finite,
  macroF1: finite,
  majority: finite,
  truncated: optional(integer),
});

const trialConfig: Validator<TrialConfig> = objectOf<TrialConfig>({
  model: string,
  task: string,
  method: oneOf(...METHOD_IDS),
  n: integer,
  dataSeed: integer,
  modelSeed: integer,
});

const trialError: Validator<TrialError> = objectOf<TrialError>({
  message: string,
  step: optional(integer),
  kind: oneOf('nan', 'oom', 'crash', 'error'),
});

/**
 * `trainLoss` may hold `null` where an epoch's loss was not finite: JSON writes NaN as null, and a
 * trial that failed on a NaN loss can carry it. Readers treat null as "no value" (a gap).
 */
export const trialRecordValidator: Validator<TrialRecord> = objectOf<TrialRecord>({
  key: string,
  status: oneOf('finished', 'failed'),
  config: trialConfig,
  trainLoss: nullableNumberArray as Validator<number[]>,
  metrics: recordOf(evalMetrics),
  wallTimeS: finite,
  peakMemoryBytes: finite,
  trainableParams: finite,
  provider: string,
  error: optional(trialError),
  finishedAt: string,
  shard: optional(string),
});

export const runManifestValidator: Validator<RunManifest> = objectOf<RunManifest>({
  runId: string,
  createdAt: string,
  experimentPath: string,
  spec: unknownValue,
  totalTrials: integer,
  versions: objectOf<RunManifest['versions']>({ ftlab: string, onnxruntime: string, node: string }),
  provider: string,
  machine: objectOf<RunManifest['machine']>({
    platform: string,
    arch: string,
    cpus: integer,
    memoryBytes: finite,
    hostname: string,
  }),
});

const runState: Validator<RunState> = oneOf('running', 'finished', 'cancelled', 'failed', 'interrupted');

const runSummary: Validator<RunSummary> = objectOf<RunSummary>({
  runId: string,
  runDir: string,
  manifest: runManifestValidator,
  state: runState,
  finishedTrials: integer,
  failedTrials: integer,
});

const serverInfo: Validator<ServerInfo> = objectOf<ServerInfo>({
  serverVersion: string,
  nodeVersion: string,
  platform: string,
  arch: string,
  pid: integer,
  onnxruntimeVersion: optional(string),
  onnxruntimeError: optional(string),
  executionProviders: arrayOf(
    objectOf<ServerInfo['executionProviders'][number]>({ name: string, bundled: boolean, libraryPresent: boolean }),
  ),
  executionProviderSetting: oneOf('auto', 'cpu', 'webgpu', 'cuda'),
});

const currentTrial: Validator<NonNullable<RunProgress['current']>> = objectOf<NonNullable<RunProgress['current']>>({
  key: string,
  config: trialConfig,
  epoch: integer,
  epochs: integer,
  step: integer,
  steps: integer,
});

// ---- Validators of the messages ----------------------------------------------------------------

/** Chart names become parts of file names on the host: keep them to a safe alphabet. */
const chartName: Validator<string> = (value, path) =>
  typeof value === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value) ? undefined : `${path}: expected a chart name`;

const pngDataUrl: Validator<string> = (value, path) =>
  typeof value === 'string' && /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/.test(value)
    ? undefined
    : `${path}: expected a base64 PNG data URL`;

const webviewToHost = variantOf<WebviewToHost>('type', {
  ready: objectOf<MessageOf<WebviewToHost, 'ready'>>({ type: literal('ready') }),
  exportData: objectOf<MessageOf<WebviewToHost, 'exportData'>>({
    type: literal('exportData'),
    format: oneOf('csv', 'json'),
    runId: string,
    content: string,
  }),
  savePng: objectOf<MessageOf<WebviewToHost, 'savePng'>>({
    type: literal('savePng'),
    runId: string,
    chart: chartName,
    dataUrl: pngDataUrl,
  }),
  openRun: objectOf<MessageOf<WebviewToHost, 'openRun'>>({ type: literal('openRun'), runId: string }),
  requestRuns: objectOf<MessageOf<WebviewToHost, 'requestRuns'>>({ type: literal('requestRuns') }),
});

const hostToWebview = variantOf<HostToWebview>('type', {
  serverInfo: objectOf<MessageOf<HostToWebview, 'serverInfo'>>({ type: literal('serverInfo'), info: serverInfo }),
  runs: objectOf<MessageOf<HostToWebview, 'runs'>>({ type: literal('runs'), runs: arrayOf(runSummary) }),
  runData: objectOf<MessageOf<HostToWebview, 'runData'>>({
    type: literal('runData'),
    summary: runSummary,
    trials: arrayOf(trialRecordValidator),
    warnings: arrayOf(string),
  }),
  trialFinished: objectOf<MessageOf<HostToWebview, 'trialFinished'>>({
    type: literal('trialFinished'),
    runId: string,
    record: trialRecordValidator,
  }),
  runProgress: objectOf<RunProgressMessage>({
    type: literal('runProgress'),
    runId: string,
    totalTrials: integer,
    finishedTrials: integer,
    failedTrials: integer,
    current: optional(currentTrial),
    etaS: optional(finite),
    state: runState,
    error: optional(string),
  }),
});

/**
 * The `runData` message for a run's records as read from a store, built so that the webview accepts
 * it: a record that fails validation (a hand-edited line, an older format) would make the whole
 * message invalid, so it is left out here and named in the warnings the panel shows instead.
 */
export function runDataMessage(
  summary: RunSummary,
  records: readonly unknown[],
  warnings: readonly string[] = [],
): MessageOf<HostToWebview, 'runData'> {
  const trials: TrialRecord[] = [];
  const notes = [...warnings];
  for (const record of records) {
    const error = trialRecordValidator(record, 'record');
    const key = (record as { key?: unknown } | null)?.key;
    if (error === undefined) trials.push(record as TrialRecord);
    else notes.push(`Trial ${typeof key === 'string' ? key : '(no key)'} was left out: ${error}.`);
  }
  return { type: 'runData', summary, trials, warnings: notes };
}

function parseWith<M>(validator: Validator<M>, raw: unknown): ParseResult<M> {
  const error = validator(raw, 'message');
  return error === undefined ? { ok: true, message: raw as M } : { ok: false, error };
}

export const parseWebviewToHost = (raw: unknown): ParseResult<WebviewToHost> => parseWith(webviewToHost, raw);
export const parseHostToWebview = (raw: unknown): ParseResult<HostToWebview> => parseWith(hostToWebview, raw);
