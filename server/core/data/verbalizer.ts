// Verbalizers: the word the language model should produce for each label (" Yes" / " No").
//
// Written in experiment files as { labelName: text }; the methods want them as a list in label-index
// order. The leading space matters: with OPT's byte-level BPE " Yes" is one token (id of "ĠYes") and
// "Yes" another. Whether a verbalizer is exactly one token is checked against the model's tokenizer by
// the language server, not here.

export type VerbalizerMap = Record<string, string>;

export interface VerbalizerProblem {
  message: string;
  severity: 'error' | 'warning';
  /** The label (or map key) the problem is about. */
  label: string;
}

/** Problems with a verbalizer map for the given labels. */
export function checkVerbalizer(labelNames: readonly string[], map: Readonly<VerbalizerMap>): VerbalizerProblem[] {
  const problems: VerbalizerProblem[] = [];
  for (const label of labelNames) {
    if (!(label in map)) problems.push({ message: `label "${label}" has no verbalizer`, severity: 'error', label });
    else if (map[label] === '' || map[label].trim() === '') problems.push({ message: `the verbalizer of "${label}" is empty`, severity: 'error', label });
  }
  for (const key of Object.keys(map)) {
    if (!labelNames.includes(key)) {
      problems.push({ message: `"${key}" is not a label of this task (labels: ${labelNames.join(', ')})`, severity: 'error', label: key });
    }
  }
  const byText = new Map<string, string[]>();
  for (const label of labelNames) {
    if (map[label] !== undefined) byText.set(map[label], [...(byText.get(map[label]) ?? []), label]);
  }
  for (const [text, labels] of byText) {
    if (labels.length > 1) {
      problems.push({ message: `labels ${labels.map((l) => `"${l}"`).join(' and ')} share the verbalizer ${JSON.stringify(text)}, so they cannot be told apart`, severity: 'error', label: labels[1] });
    }
  }
  return problems;
}

/** The verbalizers in label-index order. Throws if the map does not fit the labels. */
export function verbalizerList(labelNames: readonly string[], map: Readonly<VerbalizerMap>): string[] {
  const errors = checkVerbalizer(labelNames, map).filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new Error(`invalid verbalizer: ${errors.map((e) => e.message).join('; ')}`);
  return labelNames.map((label) => map[label]);
}
