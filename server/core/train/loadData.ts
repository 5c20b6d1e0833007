// The trial's data: the task's pool and eval sets (cached per process, as the model is), the
// few-shot sample of this trial's data seed, and the eval subsets the spec asks for.
import type { ExperimentSpec } from '../../../protocol/experiment';
import type { HubSettings } from '../../../protocol/runner';
import type { Dataset, EvalSplit, Example } from '../data/example';
import { loadHubTask } from '../data/hubTasks';
import { sampleFewShot, subsampleEval } from '../data/sampling';
import { isBuiltinTask, loadCustomTask, loadTask } from '../data/tasks';

let cached: { key: string; data: Dataset } | undefined;

/**
 * With `data.source: hub`, the built-in tasks' train pools come from the Hugging Face Hub through
 * the cache in `hub` (default: the environment's), offline when it says so; the shipped data folder
 * is still needed for the eval sets that stay shipped.
 */
export async function loadDataset(
  spec: ExperimentSpec,
  task: string,
  dataRoot: string | undefined,
  hub?: HubSettings,
  signal?: AbortSignal,
  onProgress?: (text: string) => void,
): Promise<Dataset> {
  const key = JSON.stringify([task, dataRoot, spec.data, spec.baseDir, hub?.cacheDir, hub?.offline]);
  if (cached?.key === key) return cached.data;
  let data: Dataset;
  if (isBuiltinTask(task)) {
    if (!dataRoot) throw new Error(`task ${task}: the shipped data folder (data/) was not found next to the program`);
    const options = { dataRoot, hans: spec.data.mnli.hans };
    data =
      spec.data.source === 'hub'
        ? await loadHubTask(task, {
            ...options,
            download: {
              cacheDir: hub?.cacheDir,
              offline: hub?.offline || undefined,
              signal,
              onProgress: (p) => onProgress?.(`downloading ${p.file}: ${(p.done / 1e6).toFixed(1)} of ${(p.total / 1e6).toFixed(1)} MB`),
            },
          })
        : await loadTask(task, options);
    if (task === 'cola' && spec.data.cola.inDomainEval === 'glue-validation') data = withGlueColaValidation(data);
  } else {
    const custom = spec.data.custom[task];
    if (!custom) throw new Error(`task ${task} is neither built in nor defined under data.custom`);
    data = await loadCustomTask(custom, { baseDir: spec.baseDir ?? process.cwd() });
  }
  cached = { key, data };
  return data;
}

/**
 * GLUE's CoLA validation set is the in-domain and the out-of-domain dev sets together. Using it
 * as "in-domain" (the study's flaw) is allowed only on request, and its name says what it is.
 */
function withGlueColaValidation(data: Dataset): Dataset {
  const [inDomain, ood] = data.evals;
  const glue: EvalSplit = { ...inDomain, name: 'cola-glue-validation', examples: [...inDomain.examples, ...ood.examples], source: `${inDomain.source} + ${ood.source}` };
  return { ...data, evals: [glue, ood] };
}

export interface TrialData {
  dataset: Dataset;
  train: Example[];
  evals: EvalSplit[];
}

export function trialData(dataset: Dataset, n: number, dataSeed: number, maxEval: number | 'all'): TrialData {
  const { examples } = sampleFewShot(dataset.train, { numLabels: dataset.labelNames.length, perClass: n, dataSeed, labelNames: dataset.labelNames });
  // The eval subset is the same for every trial (seed 0), so trials stay comparable.
  const evals = dataset.evals.map((s) => (maxEval === 'all' ? s : { ...s, examples: subsampleEval(s.examples, maxEval, 0) }));
  return { dataset, train: examples, evals };
}
