// `ftlab report [<run-dir|run-id>]`: the run's results as method × n tables (or JSON / CSV), and
// optionally the self-contained HTML report with the results panel's charts.

import { resolve } from 'node:path';
import { readManifest, readRunTrials } from '../core/experiment';
import { writeHtmlReport } from '../core/report/html';
import { parseArgs, stringFlag, UsageError } from './args';
import { ExitCode, type CliIo } from './io';
import { buildReport, formatReportCsv, formatReportText, REPORT_METRICS, reportJson, type ReportMetric } from './reportFormat';
import { locateRun } from './runLocator';

export const REPORT_USAGE = `Usage: ftlab report [<run-dir | run-id>] [options]

Prints method × n tables per model, task and eval set (in-domain and OOD): the mean ± std over
seeds, with the majority-class rate beside them and failed trials counted. Without a run, the
newest run in the results folder.

Options:
  --json               the cells (mean, std, 95% CI of every metric) as JSON
  --csv                the same as CSV, one row per cell
  --metric M           accuracy | mcc | macroF1 for the tables (default accuracy; mcc is CoLA's official)
  --html FILE          also write a self-contained HTML report with the charts
  --results-dir D      where run ids are looked up (default: $FTLAB_RESULTS_DIR, else ./.ftlab/runs)
  --help               show this help
`;

export async function reportCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['help', 'json', 'csv'], ['html', 'metric', 'results-dir']);
  if (args.flags.has('help')) {
    io.out(REPORT_USAGE);
    return ExitCode.ok;
  }
  if (args.positionals.length > 1) throw new UsageError('give at most one run');
  if (args.flags.has('json') && args.flags.has('csv')) throw new UsageError('choose one of --json and --csv');
  const metric = (stringFlag(args, 'metric') ?? 'accuracy') as ReportMetric;
  if (!REPORT_METRICS.includes(metric)) throw new UsageError(`--metric must be one of ${REPORT_METRICS.join(', ')}`);

  const runDir = locateRun(args.positionals[0], stringFlag(args, 'results-dir'), io);
  const manifest = readManifest(runDir);
  const read = readRunTrials(runDir);
  const report = buildReport({ runDir, manifest, trials: read.trials, warnings: read.warnings.map((w) => `${w.file}: ${w.message}`) });

  if (args.flags.has('json')) io.out(`${JSON.stringify(reportJson(report, metric), null, 2)}\n`);
  else if (args.flags.has('csv')) io.out(formatReportCsv(report));
  else io.out(formatReportText(report, metric));

  const html = stringFlag(args, 'html');
  if (html !== undefined) {
    const result = writeHtmlReport(runDir, resolve(io.cwd, html));
    io.err(`wrote ${result.outFile} (${result.trials} trials)\n`);
    for (const warning of result.warnings) io.err(`note: ${warning}\n`);
  }
  return ExitCode.ok;
}
