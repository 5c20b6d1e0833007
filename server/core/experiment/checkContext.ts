// Shared by the semantic checks: the defaulted spec, the file's own data, and helpers that find
// the best place in the file to show a finding about a value that may only exist as a default.

import type { MethodId } from '../../../protocol/results';
import type { ExperimentSpec } from '../../../protocol/experiment';
import type { ExperimentEnvironment } from './environment';
import { obj } from './normalize';
import type { Path, Reporter } from './reporter';

export class CheckContext {
  readonly raw: Record<string, unknown>;
  /** Models already said to have no tokenizer at hand (said once per model). */
  readonly noted = new Set<string>();

  constructor(
    readonly spec: ExperimentSpec,
    raw: unknown,
    readonly report: Reporter,
    readonly env: ExperimentEnvironment,
  ) {
    this.raw = obj(raw);
  }

  has(path: Path): boolean {
    return this.report.positions.get(path) !== undefined;
  }

  /** The path of a method in `methods` (list index or map key); ['methods'] when the list is defaulted. */
  methodPath(method: MethodId): Path {
    const methods = this.raw.methods;
    if (Array.isArray(methods)) {
      const index = methods.indexOf(method);
      return index >= 0 ? ['methods', index] : ['methods'];
    }
    return methods !== undefined && Object.hasOwn(obj(methods), method) ? ['methods', method] : ['methods'];
  }

  /** Where a method option is written, else where the method is. */
  optionPath(method: MethodId, option: string): Path {
    const path = ['methods', method, option];
    return this.has(path) ? path : this.methodPath(method);
  }

  /** The `tasks` item naming a task. */
  taskPath(task: string): Path {
    const tasks = this.raw.tasks;
    const index = Array.isArray(tasks) ? tasks.indexOf(task) : -1;
    return index >= 0 ? ['tasks', index] : ['tasks'];
  }

  /** A path under patterns.<task> if the file has it, else the pattern's task entry, else the task in `tasks`. */
  patternPath(task: string, ...rest: (string | number)[]): Path {
    const full = ['patterns', task, ...rest];
    if (this.has(full)) return full;
    return this.has(['patterns', task]) ? ['patterns', task] : this.taskPath(task);
  }

  /** The `models` item naming a model. */
  modelPath(name: string): Path {
    const models = this.raw.models;
    const index = Array.isArray(models) ? models.indexOf(name) : -1;
    return index >= 0 ? ['models', index] : ['models'];
  }

  /** Where a setting is written, else `fallback` (the thing the default collides with). */
  settingPath(path: Path, fallback: Path): Path {
    return this.has(path) ? path : fallback;
  }

  /** Offsets of a string value in the source, when the file holds it. */
  offsets(path: Path): readonly [number, number] | undefined {
    return this.report.positions.get(path)?.value;
  }
}
