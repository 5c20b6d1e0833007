// Experiment files as text for tests and the bench: small real experiments (a few optimizer steps
// and eval batches per trial on a small model), and the ~200 KB file a user types in while a run
// trains. Shared by the reliability tests (test/reliability/lib/experiments.ts) and the bench's
// language-server workload (bench/lspLatency.ts), so the bench measures the file the test uses.

export interface ExperimentOptions {
  name?: string;
  models?: string[];
  tasks?: string[];
  methods?: string[];
  n?: number[];
  seeds?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number | string;
  maxLength?: number;
  evalExamples?: number;
  evalBatch?: number;
  /** The `patterns:` block; default: CoLA's " No" / " Yes". */
  patterns?: string;
  /** Extra top-level YAML appended as written. */
  extra?: string;
}

/** The models are the caller's: only it knows where they are (a bundle cannot look beside itself). */
export function experimentYaml(o: ExperimentOptions & { models: string[] }): string {
  return [
    `name: ${o.name ?? 'reliability'}`,
    `models: [${o.models.map((m) => JSON.stringify(m)).join(', ')}]`,
    `tasks: [${(o.tasks ?? ['cola']).join(', ')}]`,
    `methods: [${(o.methods ?? ['vanilla', 'lora']).join(', ')}]`,
    `n: [${(o.n ?? [2]).join(', ')}]`,
    `seeds: ${o.seeds ?? 2}`,
    `training: { epochs: ${o.epochs ?? 2}, batchSize: ${o.batchSize ?? 2}, maxLength: ${o.maxLength ?? 32}, lr: ${o.lr ?? '1.0e-4'} }`,
    `evaluation: { maxExamples: ${o.evalExamples ?? 16}, batchSize: ${o.evalBatch ?? 4} }`,
    o.patterns ?? 'patterns:\n  cola: { pattern: "{sentence} ?", verbalizers: { unacceptable: " No", acceptable: " Yes" } }',
    o.extra ?? '',
    '',
  ].join('\n');
}

/**
 * A large, valid experiment file (about 213 KB): the real keys, a long description and thousands of
 * commented lines. `edit` changes its name and description, as typing would, so each version differs.
 */
export function largeExperimentText(edit: number, models: string[]): string {
  const body = experimentYaml({ name: `large ${edit}`, models, methods: ['vanilla', 'pbft', 'lora', 'icl'], n: [2, 4, 8, 16], seeds: 5 });
  const notes = Array.from({ length: 3000 }, (_, i) => `# note ${i}: ${'why this setting was chosen '.repeat(2)}`).join('\n');
  return `${body}description: "${'x'.repeat(9_000)}"\n${notes}\n`;
}
