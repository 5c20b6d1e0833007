// Alias resolution in one pass. The yaml package's Alias.resolve searches the whole document for
// each alias, so a file of n aliases costs n² (30,000 aliases: minutes). Here every anchor is
// indexed once; an alias refers to the nearest node before it that carries its anchor (YAML's rule).

import { isMap, isPair, isScalar, isSeq, type Alias, type Document } from 'yaml';

interface Anchored {
  start: number;
  node: unknown;
}

export class AnchorIndex {
  private readonly byName = new Map<string, Anchored[]>();

  constructor(doc: Document.Parsed) {
    const stack: unknown[] = [doc.contents];
    while (stack.length > 0) {
      const node = stack.pop();
      if (isPair(node)) {
        stack.push(node.value, node.key);
        continue;
      }
      if (!(isMap(node) || isSeq(node) || isScalar(node))) continue;
      if (node.anchor && node.range) {
        const list = this.byName.get(node.anchor) ?? [];
        list.push({ start: node.range[0], node });
        this.byName.set(node.anchor, list);
      }
      if (isMap(node) || isSeq(node)) for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
    }
    for (const list of this.byName.values()) list.sort((a, b) => a.start - b.start);
  }

  /** The node an alias stands for, or undefined when no earlier node has its anchor. */
  resolve(alias: Alias): unknown {
    const list = this.byName.get(alias.source);
    const at = alias.range?.[0];
    if (!list || at === undefined) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    let found: Anchored | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].start < at) {
        found = list[mid];
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found?.node;
  }
}


