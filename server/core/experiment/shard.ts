// Shards: a deterministic split of a grid into N parts, for cluster job arrays (Slurm's
// SLURM_ARRAY_TASK_ID, Kubernetes' JOB_COMPLETION_INDEX — both 0-based). Trial i of the grid's
// keys in sorted order goes to shard i mod N, so the shards partition the grid exactly and every
// shard gets a mix of models and methods.

import type { Trial } from './grid';

export interface Shard {
  /** 0-based. */
  index: number;
  count: number;
}

/** "i/N" → a shard; throws with a message fit for a CLI user otherwise. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new Error(`--shard takes i/N (0-based index i of N shards, e.g. 0/4), not "${text}"`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index >= count || !Number.isSafeInteger(count)) {
    throw new Error(`--shard ${text}: need 0 ≤ i < N (shards are numbered from 0)`);
  }
  return { index, count };
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** The trials of one shard, in grid order. */
export function shardTrials(trials: readonly Trial[], shard: Shard): Trial[] {
  const sorted = trials.map((t) => t.key).sort(compareKeys);
  const mine = new Set(sorted.filter((_, rank) => rank % shard.count === shard.index));
  return trials.filter((t) => mine.has(t.key));
}

/** Code-unit order: the same on every machine and locale. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
