// A labelled single-select dropdown (vscode-single-select) whose options follow the data: the
// option elements are rebuilt only when the list really changes, so live updates do not close an
// open dropdown or lose the user's choice.
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import { h } from '../dom';

export interface Option {
  value: string;
  label: string;
}

export class SelectControl {
  readonly element: HTMLElement;
  private readonly select: VscodeSingleSelect;
  private signature = '';

  constructor(label: string, id: string, onChange: (value: string) => void) {
    this.select = h('vscode-single-select', { id, 'data-filter': id }) as VscodeSingleSelect;
    this.select.addEventListener('change', () => onChange(this.select.value));
    this.element = h('div', { class: 'control' }, h('label', { for: id }, label), this.select);
  }

  set(options: readonly Option[], selected: string): void {
    const signature = JSON.stringify(options);
    if (signature !== this.signature) {
      this.signature = signature;
      this.select.replaceChildren(
        ...options.map((o) => h('vscode-option', { value: o.value, selected: o.value === selected }, o.label)),
      );
    }
    if (this.select.value !== selected) this.select.value = selected;
    this.element.hidden = options.length === 0;
  }
}
