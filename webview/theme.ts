// The chart colours come from VS Code's theme, which reaches a webview as CSS variables on <html>
// (--vscode-*) and a class on <body> (vscode-light | vscode-dark | vscode-high-contrast |
// vscode-high-contrast-light). Charts paint on a canvas, which cannot use CSS variables, so the
// values are read here and read again whenever the theme changes.
import type { MethodId } from '../protocol/results';

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface ChartTheme {
  kind: ThemeKind;
  highContrast: boolean;
  foreground: string;
  /** Secondary text (axis titles, captions). */
  muted: string;
  grid: string;
  /** Axis lines: the contrast border in high contrast themes, the grid colour otherwise. */
  axis: string;
  background: string;
  fontFamily: string;
  fontSize: number;
  methodColors: Record<MethodId, string>;
  /** Reference lines (majority class, y = x). */
  reference: string;
  /** Emphasis for marked points (the Pareto front). */
  accent: string;
}

/** Which --vscode-charts-* colour each method gets: six methods, six chart colours. */
const METHOD_COLOR_VARIABLES: Record<MethodId, string> = {
  vanilla: '--vscode-charts-blue',
  pbft: '--vscode-charts-orange',
  adaptive: '--vscode-charts-green',
  lora: '--vscode-charts-red',
  distill: '--vscode-charts-purple',
  icl: '--vscode-charts-yellow',
};

/** Used only where a variable is missing (e.g. a browser outside VS Code without the report's CSS). */
const FALLBACK_METHOD_COLORS: Record<MethodId, string> = {
  vanilla: '#1a85ff',
  pbft: '#d18616',
  adaptive: '#388a34',
  lora: '#e51400',
  distill: '#652d90',
  icl: '#bf8803',
};

export function themeKindOf(body: HTMLElement): ThemeKind {
  const classes = body.classList;
  if (classes.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (classes.contains('vscode-high-contrast')) return 'high-contrast';
  if (classes.contains('vscode-dark')) return 'dark';
  return 'light';
}

export function readTheme(doc: Document = document): ChartTheme {
  const style = getComputedStyle(doc.body);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const kind = themeKindOf(doc.body);
  const highContrast = kind === 'high-contrast' || kind === 'high-contrast-light';
  const foreground = read('--vscode-charts-foreground', read('--vscode-foreground', kind === 'dark' ? '#cccccc' : '#3b3b3b'));
  const methodColors = {} as Record<MethodId, string>;
  for (const [method, variable] of Object.entries(METHOD_COLOR_VARIABLES) as [MethodId, string][]) {
    methodColors[method] = read(variable, FALLBACK_METHOD_COLORS[method]);
  }
  return {
    kind,
    highContrast,
    foreground,
    muted: read('--vscode-descriptionForeground', foreground),
    grid: read('--vscode-charts-lines', withAlpha(foreground, 0.25)),
    // High contrast themes want visible structure: axes in the contrast border colour.
    axis: highContrast ? read('--vscode-contrastBorder', foreground) : read('--vscode-charts-lines', withAlpha(foreground, 0.25)),
    background: read('--vscode-editor-background', kind === 'dark' ? '#1f1f1f' : '#ffffff'),
    fontFamily: read('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.parseFloat(read('--vscode-font-size', '13')) || 13,
    methodColors,
    reference: foreground,
    accent: read('--vscode-focusBorder', methodColors.vanilla),
  };
}

/** Calls `onChange` when VS Code switches theme: the body class or the variables on <html> change. */
export function watchTheme(onChange: () => void, doc: Document = document): () => void {
  let last = JSON.stringify(readTheme(doc));
  const observer = new MutationObserver(() => {
    const next = JSON.stringify(readTheme(doc));
    if (next === last) return;
    last = next;
    onChange();
  });
  observer.observe(doc.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(doc.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}

/** The colour with the given opacity; accepts #rgb, #rrggbb, #rrggbbaa, rgb() and rgba(). */
export function withAlpha(color: string, alpha: number): string {
  const rgb = parseColor(color);
  if (!rgb) return color;
  return `rgba(${rgb[0]}, ${rgb[1]}, ${rgb[2]}, ${alpha})`;
}

function parseColor(color: string): [number, number, number] | undefined {
  const c = color.trim();
  const hex = /^#([0-9a-f]{3,8})$/i.exec(c)?.[1];
  if (hex) {
    const full = hex.length <= 4 ? [...hex].map((h) => h + h).join('') : hex;
    if (full.length !== 6 && full.length !== 8) return undefined;
    return [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
  }
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(c);
  if (fn) return [Number(fn[1]), Number(fn[2]), Number(fn[3])];
  return undefined;
}
