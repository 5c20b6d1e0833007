// The "About / engine" footer: which server and onnxruntime answer (from `serverInfo`), and where
// and with what the shown run was made (from its manifest), for reproducibility at a glance.
import type { RunSummary, ServerInfo } from '../../protocol/lsp';
import { formatBytes } from '../charts/common';
import { h, setChildren } from '../dom';

function row(term: string, value: string): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, value)];
}

export class AboutView {
  readonly element = h('footer', { class: 'about', 'data-about': '' });

  render(info: ServerInfo | undefined, run: RunSummary | undefined): void {
    const parts: (HTMLElement | null)[] = [];
    // The HTML report has no server behind it: the run's manifest then tells the versions.
    if (info) {
      const providers = info.executionProviders
        .map((p) => (p.bundled ? p.name : `${p.name} (${p.libraryPresent ? 'library found' : 'library missing'})`))
        .join(', ');
      parts.push(
        h(
          'div',
          {},
          h('h3', {}, 'Engine'),
          h(
            'dl',
            { 'data-engine': '' },
            ...row('Server', `Fine-Tune Lab ${info.serverVersion} (pid ${info.pid})`),
            ...row('onnxruntime', info.onnxruntimeVersion ?? `not loaded: ${info.onnxruntimeError ?? 'unknown reason'}`),
            ...row('Node.js', `${info.nodeVersion} on ${info.platform}-${info.arch}`),
            ...row('Execution providers', `${providers || 'none'} (setting: ${info.executionProviderSetting})`),
          ),
        ),
      );
    }
    if (run) {
      const m = run.manifest;
      parts.push(
        h(
          'div',
          {},
          h('h3', {}, 'This run'),
          h(
            'dl',
            { 'data-run-manifest': '' },
            ...row('Run', `${m.runId}, created ${m.createdAt}`),
            ...row('Experiment', m.experimentPath),
            ...row('Made with', `Fine-Tune Lab ${m.versions.ftlab}, onnxruntime ${m.versions.onnxruntime}, Node.js ${m.versions.node}`),
            ...row('Provider', m.provider),
            ...row(
              'Machine',
              `${m.machine.hostname}: ${m.machine.platform}-${m.machine.arch}, ${m.machine.cpus} CPUs, ${formatBytes(m.machine.memoryBytes)}`,
            ),
          ),
        ),
      );
    }
    setChildren(this.element, ...parts);
    this.element.hidden = parts.length === 0;
  }
}
