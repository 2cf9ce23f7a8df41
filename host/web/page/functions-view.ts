// The Functions tab: the device's functions with their signatures (urpc.info lists the app's
// registry), and a typed form per function to call it.
import type { RpcSession } from '../../client/rpc-session.ts';
import type { DeviceInfo } from '../../client/client.ts';
import { busy, h } from './dom.ts';
import { KINDS, kindOf, parseSignature, showValue, toArg, toArgs, type Kind, type Param } from './signature.ts';
import type { TensorsView } from './tensors-view.ts';

export class FunctionsView {
  private readonly list: HTMLElement;
  private readonly form: HTMLElement;
  private readonly about: HTMLElement;
  private info: DeviceInfo | undefined;
  private readonly session: () => RpcSession | undefined;
  private readonly tensors: TensorsView;

  constructor(root: HTMLElement, session: () => RpcSession | undefined, tensors: TensorsView) {
    this.session = session;
    this.tensors = tensors;
    this.about = h('p', { class: 'muted', text: 'Not connected.' });
    this.list = h('div', { class: 'fn-list' });
    this.form = h('section', { class: 'fn-form', 'aria-live': 'polite' });
    root.append(this.about, h('div', { class: 'split' }, this.list, this.form));
  }

  /** Lists the functions of a (new) session. */
  async refresh(s: RpcSession): Promise<void> {
    this.info = await s.info();
    const i = this.info;
    this.about.textContent = `${i.board} · urpc ${i.version} · wire ${i.wire} · max packet ${i.maxPacket} B · memory ${i.memFree} of ${i.memTotal} B free`;
    const rows = i.functions.map((f) => h('tr', {},
      h('td', {}, h('button', { class: 'link', 'data-fn': f.name, onclick: () => this.select(f.name, f.signature) }, f.name)),
      h('td', {}, h('code', { text: f.signature }))));
    this.list.replaceChildren(h('table', { class: 'fn-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'function' }), h('th', { scope: 'col', text: 'signature' }))),
      h('tbody', {}, ...rows)));
    const echo = i.functions.find((f) => f.name === 'urpc.echo');
    if (echo && this.form.childElementCount === 0) this.select(echo.name, echo.signature);
  }

  clear(why: string): void {
    this.about.textContent = why;
  }

  private field(p: Param, idx: number): { el: HTMLElement; read: () => unknown[] } {
    const base = kindOf(p.type);
    const id = `arg-${idx}`;
    const kind = h('select', { 'aria-label': `type of ${p.name}`, class: 'kind' }, ...KINDS.map((k) => h('option', { value: k, text: k })));
    kind.value = base === 'any' ? 'int' : base;
    const input = h('input', { id, type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: p.variadic ? 'comma-separated' : p.optional ? '(optional: empty leaves it out)' : '' });
    const tensorPick = h('select', { id: `${id}-tensor`, 'aria-label': `tensor for ${p.name}` });
    const sync = (): void => {
      const isTensor = kind.value === 'tensor';
      tensorPick.replaceChildren(...[...this.tensors.tensors.keys()].map((n) => h('option', { value: n, text: n })));
      tensorPick.hidden = !isTensor;
      input.hidden = isTensor || kind.value === 'null';
      if (kind.value === 'bool' && input.value === '') input.value = 'true';
    };
    kind.addEventListener('change', sync);
    sync();
    if (base !== 'any') kind.disabled = true;
    const label = h('label', { for: id }, `${p.name}${p.variadic ? '…' : ''}`, h('span', { class: 'muted', text: ` ${p.type}${p.optional ? ' (optional)' : ''}` }));
    return {
      el: h('div', { class: 'field' }, label, kind, input, tensorPick),
      read: () => {
        const k = kind.value as Kind;
        const text = k === 'tensor' ? tensorPick.value : input.value;
        if (p.optional && text === '' && k !== 'null') return [];
        return p.variadic ? toArgs(k, text, this.tensors.tensors) : [toArg(k, text, this.tensors.tensors)];
      },
    };
  }

  select(name: string, signature: string): void {
    const sig = parseSignature(signature);
    const fields = sig.params.map((p, i) => this.field(p, i));
    const out = h('output', { class: 'result', 'data-result': name });
    const call = h('button', { type: 'submit', class: 'primary', text: `Call ${name}` });
    const form = h('form', { class: 'call' }, ...fields.map((f) => f.el), call, out);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void busy(call, out, async () => {
        const s = this.session();
        if (s === undefined) throw new Error('not connected');
        const args = fields.flatMap((f) => f.read()) as Parameters<RpcSession['call']>[1][];
        const t0 = performance.now();
        const r = await s.call(name, ...args);
        out.textContent = `${showValue(r)}    (${(performance.now() - t0).toFixed(1)} ms)`;
      });
    });
    this.form.replaceChildren(h('h3', {}, h('code', { text: name })), h('p', {}, h('code', { text: `${signature}` })), form);
    (fields[0]?.el.querySelector('input:not([hidden]), select:not([disabled])') as HTMLElement | null)?.focus();
  }
}
