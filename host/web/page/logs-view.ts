// The live device-log pane: the device's Log messages as they come, with the time, and the
// console's own notes (connects, reconnects) set apart.
import { h } from './dom.ts';

const MAX_LINES = 1000;

export class LogsView {
  private readonly list: HTMLOListElement;
  /** Device log lines received (not the console's notes). */
  count = 0;

  constructor(root: HTMLElement) {
    this.list = h('ol', { class: 'log', id: 'log-lines', 'aria-live': 'polite', 'aria-label': 'device log' });
    const clear = h('button', { text: 'Clear', 'aria-label': 'clear the log' });
    clear.addEventListener('click', () => this.list.replaceChildren());
    root.append(h('div', { class: 'row' }, h('h2', { text: 'Device log' }), clear), this.list);
  }

  private push(text: string, cls: string): void {
    const t = new Date().toISOString().slice(11, 23);
    this.list.append(h('li', { class: cls }, h('time', { text: t }), ` ${text}`));
    while (this.list.childElementCount > MAX_LINES) this.list.firstElementChild!.remove();
    this.list.scrollTop = this.list.scrollHeight;
  }

  device(text: string): void {
    this.count++;
    this.push(text, 'dev');
  }

  note(text: string): void {
    this.push(text, 'note');
  }
}
