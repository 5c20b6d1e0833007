// Run ids: a UTC timestamp that sorts in time order, then a short name — 20261128-175512-demo.

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug || 'run';
}

export function makeRunId(name: string, now: Date = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp =
    `${p(now.getUTCFullYear(), 4)}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}` +
    `-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${stamp}-${slugify(name)}`;
}

/** Run ids as makeRunId makes them, with an optional -2, -3 … when two runs share a second. */
export const RUN_ID_PATTERN = /^\d{8}-\d{6}-[a-z0-9][a-z0-9-]*$/;

export function isRunId(text: string): boolean {
  return RUN_ID_PATTERN.test(text) && text.length <= 80;
}
