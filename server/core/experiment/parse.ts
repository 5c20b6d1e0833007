// The one entry point for experiment files: text (or a file) in, a fully defaulted spec and
// located diagnostics out. Used by the CLI, the runner and the language server. Never throws:
// whatever the input, the answer is diagnostics, in bounded time.

import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DiagnosticSeverity, type ExperimentDiagnostic, type ExperimentParseResult } from '../../../protocol/experiment';
import { CheckContext } from './checkContext';
import { checkMethods, checkSeedsAndGrid } from './checkMethods';
import { checkAllowedPaths } from './checkAllowedPaths';
import { checkModels } from './checkModels';
import { checkPatterns } from './checkPatterns';
import { checkCustomData, checkKnownFlaws, checkTasks } from './checkTasksAndData';
import { Code } from './codes';
import { nodeEnvironment, type ExperimentEnvironment } from './environment';
import { EXPERIMENT_SCHEMA } from './experimentSchema';
import { normalize } from './normalize';
import { Positions, Reporter } from './reporter';
import { DEFAULT_WALK_LIMITS, walkDocument, type WalkLimits } from './walk';
import { DEFAULT_SOURCE_LIMITS, readYaml, SourceText, type SourceLimits } from './yamlSource';

export interface ParseOptions {
  /** Path of the file the text came from: names the experiment and anchors relative paths. */
  filePath?: string;
  /** Replace parts of the outside world (files, model shapes, tokenizer checks). */
  env?: Partial<ExperimentEnvironment>;
  limits?: Partial<SourceLimits & WalkLimits>;
}

export function parseExperiment(text: string, options: ParseOptions = {}): ExperimentParseResult {
  try {
    return parseUnguarded(text, options);
  } catch (error) {
    // A bug of ours must not take the language server down: report it where the user looks.
    const source = new SourceText(text.slice(0, 4096));
    const message = `Internal error while checking this file: ${(error as Error)?.message ?? String(error)}`;
    return { diagnostics: [{ severity: DiagnosticSeverity.Error, code: Code.internalError, message, range: source.firstLine(), source: 'ftlab' }] };
  }
}

function parseUnguarded(text: string, options: ParseOptions): ExperimentParseResult {
  const limits = { ...DEFAULT_SOURCE_LIMITS, ...DEFAULT_WALK_LIMITS, ...options.limits };
  const read = readYaml(text, limits);
  if (!read.doc) return { diagnostics: read.diagnostics };

  const report = new Reporter(read.source, new Positions());
  report.diagnostics.push(...read.diagnostics);
  const raw = walkDocument(read.doc, EXPERIMENT_SCHEMA, report, limits);
  if (report.diagnostics.some((d) => d.code === Code.tooComplex)) return { diagnostics: capped(sortByPosition(report.diagnostics)) };

  const filePath = options.filePath ? resolve(options.filePath) : undefined;
  const spec = normalize(raw, { filePath, baseDir: filePath ? dirname(filePath) : undefined });
  const env: ExperimentEnvironment = { ...nodeEnvironment, ...options.env };
  const ctx = new CheckContext(spec, raw, report, env);
  checkTasks(ctx);
  checkCustomData(ctx);
  checkModels(ctx);
  checkAllowedPaths(ctx);
  checkPatterns(ctx);
  checkMethods(ctx);
  checkKnownFlaws(ctx);
  checkSeedsAndGrid(ctx);

  const diagnostics = capped(sortByPosition(report.diagnostics));
  return report.hasErrors() ? { diagnostics } : { spec, diagnostics };
}

/** A hostile file could produce thousands of findings; the first few hundred say enough. */
const MAX_DIAGNOSTICS = 200;

function capped(list: ExperimentDiagnostic[]): ExperimentDiagnostic[] {
  if (list.length <= MAX_DIAGNOSTICS) return list;
  // "Checking stopped here" must survive the cut, wherever it is in the file.
  const stopped = list.filter((d) => d.code === Code.tooComplex);
  const shown = sortByPosition([...stopped, ...list.filter((d) => d.code !== Code.tooComplex).slice(0, MAX_DIAGNOSTICS - stopped.length)]);
  const last = shown[shown.length - 1];
  shown.push({
    severity: DiagnosticSeverity.Information,
    code: Code.tooManyProblems,
    message: `${list.length - MAX_DIAGNOSTICS} more problems are not shown.`,
    range: last.range,
    source: 'ftlab',
  });
  return shown;
}

function sortByPosition<T extends { range: { start: { line: number; character: number } } }>(list: T[]): T[] {
  return [...list].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** Reads and parses an experiment file; a file that cannot be read is a diagnostic too. */
export function loadExperimentFile(filePath: string, options: Omit<ParseOptions, 'filePath'> = {}): ExperimentParseResult {
  const maxChars = options.limits?.maxChars ?? DEFAULT_SOURCE_LIMITS.maxChars;
  const fail = (code: string, message: string): ExperimentParseResult => ({
    diagnostics: [
      { severity: DiagnosticSeverity.Error, code, message, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, source: 'ftlab' },
    ],
  });
  let bytes: Buffer;
  try {
    // Refuse by size before reading, so a huge file is never loaded whole.
    const size = statSync(filePath).size;
    if (size > maxChars * 4) return fail(Code.fileTooLarge, `${filePath} is ${Math.round(size / 1024)} KB; experiment files are limited to ${maxChars / 1024} KB.`);
    bytes = readFileSync(filePath);
  } catch (error) {
    return fail(Code.internalError, `Cannot read ${filePath}: ${(error as Error).message}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(Code.binaryFile, `${filePath} is not UTF-8 text.`);
  }
  return parseExperiment(text.replace(/^\uFEFF/, ''), { ...options, filePath });
}
