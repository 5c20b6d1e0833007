// Compiled graphs and their sessions, cached per key: a graph is built once per (model spec,
// objective, batch shape, variant) and its session once per provider and thread setting.
import type { StepGraph } from './stepGraphs';
import { createSession, type CompiledSession, type SessionOptions } from './session';

export interface CompiledGraph {
  graph: StepGraph;
  compiled: CompiledSession;
}

const cache = new Map<string, Promise<CompiledGraph>>();

/**
 * `key` must identify the graph and the session settings (the caller includes the requested
 * provider, threads and output placement); `deviceOutputs` names the outputs to keep on a device.
 */
export function compileCached(key: string, build: () => StepGraph, options: SessionOptions & { deviceOutputs?: (g: StepGraph) => string[] }): Promise<CompiledGraph> {
  const fullKey = key;
  let entry = cache.get(fullKey);
  if (!entry) {
    entry = (async () => {
      const graph = build();
      const compiled = await createSession(graph.model, { ...options, outputsOnDevice: options.deviceOutputs?.(graph) });
      return { graph, compiled };
    })();
    // A failed compile must not poison the cache for a later retry.
    entry.catch(() => cache.delete(fullKey));
    cache.set(fullKey, entry);
  }
  return entry;
}

/** Releases every cached session (between experiments, or in tests). */
export async function clearSessionCache(): Promise<void> {
  const entries = [...cache.values()];
  cache.clear();
  for (const e of entries) {
    try {
      await (await e).compiled.session.release();
    } catch {
      // a failed compile has no session to release
    }
  }
}

export function cachedSessionCount(): number {
  return cache.size;
}
