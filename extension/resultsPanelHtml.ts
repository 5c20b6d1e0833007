// The results panel's HTML: an empty page that loads the webview bundle under a strict Content
// Security Policy. No vscode import, so the browser tests serve exactly this page.

export interface ResultsPanelHtmlInput {
  /** `webview.cspSource`: the origin VS Code serves the extension's local resources from. */
  cspSource: string;
  /** Fresh for every page: only elements carrying it may run script or add styles. */
  nonce: string;
  /** `webview.asWebviewUri(dist/webview.js)`. */
  scriptUri: string;
}

export function createNonce(): string {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

export function resultsPanelCsp(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

const attribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function renderResultsPanelHtml({ cspSource, nonce, scriptUri }: ResultsPanelHtmlInput): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(resultsPanelCsp(cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fine-Tune Lab results</title>
</head>
<body>
<div id="app"></div>
<script nonce="${attribute(nonce)}" src="${attribute(scriptUri)}"></script>
</body>
</html>
`;
}
