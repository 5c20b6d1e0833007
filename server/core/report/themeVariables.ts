// Stand-ins for the CSS variables VS Code gives a webview, for pages that run the results bundle
// outside VS Code: the HTML report (light or dark, following the browser) and the browser tests
// that emulate the webview host (light, dark, high contrast). Values follow VS Code's Light
// Modern, Dark Modern and High Contrast themes.

export type ThemeName = 'light' | 'dark' | 'high-contrast';

export interface ThemeDefinition {
  /** The class VS Code puts on <body> for this kind of theme. */
  bodyClass: string;
  variables: Record<string, string>;
}

const font = {
  '--vscode-font-family': "system-ui, -apple-system, 'Segoe UI', 'Ubuntu', sans-serif",
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': "'Droid Sans Mono', 'monospace', monospace",
};

export const THEMES: Record<ThemeName, ThemeDefinition> = {
  light: {
    bodyClass: 'vscode-light',
    variables: {
      ...font,
      '--vscode-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-editor-background': '#ffffff',
      '--vscode-panel-background': '#f8f8f8',
      '--vscode-panel-border': '#e5e5e5',
      '--vscode-widget-border': '#e5e5e5',
      '--vscode-widget-shadow': 'rgba(0, 0, 0, 0.16)',
      '--vscode-errorForeground': '#f85149',
      '--vscode-editorWarning-foreground': '#bf8803',
      '--vscode-textBlockQuote-background': '#f8f8f8',
      '--vscode-textCodeBlock-background': '#f0f0f0',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-button-background': '#005fb8',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#0258a8',
      '--vscode-button-border': 'rgba(0, 0, 0, 0.1)',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-button-secondaryHoverBackground': '#cccccc',
      '--vscode-settings-dropdownBackground': '#ffffff',
      '--vscode-settings-dropdownForeground': '#3b3b3b',
      '--vscode-settings-dropdownBorder': '#cecece',
      '--vscode-settings-dropdownListBorder': '#c8c8c8',
      '--vscode-settings-headerBorder': '#e5e5e5',
      '--vscode-list-activeSelectionBackground': '#e8e8e8',
      '--vscode-list-activeSelectionForeground': '#000000',
      '--vscode-list-hoverBackground': '#f2f2f2',
      '--vscode-list-focusOutline': '#005fb8',
      '--vscode-progressBar-background': '#005fb8',
      '--vscode-panelTitle-activeForeground': '#3b3b3b',
      '--vscode-panelTitle-activeBorder': '#005fb8',
      '--vscode-panelTitle-inactiveForeground': '#717171',
      '--vscode-badge-background': '#cccccc',
      '--vscode-badge-foreground': '#3b3b3b',
      '--vscode-charts-foreground': '#616161',
      '--vscode-charts-lines': 'rgba(97, 97, 97, 0.5)',
      '--vscode-charts-red': '#e51400',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-purple': '#652d90',
    },
  },
  dark: {
    bodyClass: 'vscode-dark',
    variables: {
      ...font,
      '--vscode-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-panel-background': '#181818',
      '--vscode-panel-border': '#2b2b2b',
      '--vscode-widget-border': '#313131',
      '--vscode-widget-shadow': 'rgba(0, 0, 0, 0.36)',
      '--vscode-errorForeground': '#f85149',
      '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-textBlockQuote-background': '#2b2b2b',
      '--vscode-textCodeBlock-background': '#2b2b2b',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-button-background': '#0078d4',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#026ec1',
      '--vscode-button-border': 'rgba(255, 255, 255, 0.07)',
      '--vscode-button-secondaryBackground': '#313131',
      '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-button-secondaryHoverBackground': '#3c3c3c',
      '--vscode-settings-dropdownBackground': '#313131',
      '--vscode-settings-dropdownForeground': '#cccccc',
      '--vscode-settings-dropdownBorder': '#3c3c3c',
      '--vscode-settings-dropdownListBorder': '#454545',
      '--vscode-settings-headerBorder': '#2b2b2b',
      '--vscode-list-activeSelectionBackground': '#04395e',
      '--vscode-list-activeSelectionForeground': '#ffffff',
      '--vscode-list-hoverBackground': '#2a2d2e',
      '--vscode-list-focusOutline': '#0078d4',
      '--vscode-progressBar-background': '#0078d4',
      '--vscode-panelTitle-activeForeground': '#cccccc',
      '--vscode-panelTitle-activeBorder': '#0078d4',
      '--vscode-panelTitle-inactiveForeground': '#9d9d9d',
      '--vscode-badge-background': '#616161',
      '--vscode-badge-foreground': '#f8f8f8',
      '--vscode-charts-foreground': '#cccccc',
      '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    variables: {
      ...font,
      '--vscode-foreground': '#ffffff',
      '--vscode-descriptionForeground': 'rgba(255, 255, 255, 0.7)',
      '--vscode-editor-background': '#000000',
      '--vscode-panel-background': '#000000',
      '--vscode-panel-border': '#6fc3df',
      '--vscode-widget-border': '#6fc3df',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-contrastActiveBorder': '#f38518',
      '--vscode-errorForeground': '#f48771',
      '--vscode-editorWarning-foreground': '#ffd370',
      '--vscode-textBlockQuote-background': '#000000',
      '--vscode-textCodeBlock-background': '#000000',
      '--vscode-focusBorder': '#f38518',
      '--vscode-button-background': '#000000',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-border': '#6fc3df',
      '--vscode-button-secondaryBackground': '#000000',
      '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-settings-dropdownBackground': '#000000',
      '--vscode-settings-dropdownForeground': '#ffffff',
      '--vscode-settings-dropdownBorder': '#6fc3df',
      '--vscode-settings-dropdownListBorder': '#6fc3df',
      '--vscode-settings-headerBorder': '#6fc3df',
      '--vscode-list-activeSelectionBackground': '#000000',
      '--vscode-list-activeSelectionForeground': '#ffffff',
      '--vscode-list-focusOutline': '#f38518',
      '--vscode-progressBar-background': '#6fc3df',
      '--vscode-panelTitle-activeForeground': '#ffffff',
      '--vscode-panelTitle-activeBorder': '#6fc3df',
      '--vscode-panelTitle-inactiveForeground': '#ffffff',
      '--vscode-badge-background': '#000000',
      '--vscode-badge-foreground': '#ffffff',
      '--vscode-charts-foreground': '#ffffff',
      '--vscode-charts-lines': 'rgba(255, 255, 255, 0.5)',
      '--vscode-charts-red': '#f48771',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-yellow': '#ffd370',
      '--vscode-charts-orange': '#ab5a00',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
    },
  },
};

/** `body.<class> { --vscode-…: …; }` for each theme, so switching the body class switches theme. */
export function themeCss(names: readonly ThemeName[] = ['light', 'dark', 'high-contrast']): string {
  return names
    .map((name) => {
      const { bodyClass, variables } = THEMES[name];
      const lines = Object.entries(variables).map(([k, v]) => `  ${k}: ${v};`);
      return `body.${bodyClass} {\n${lines.join('\n')}\n}`;
    })
    .join('\n');
}
