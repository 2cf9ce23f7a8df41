// The Tensors tab: create device tensors (dtype, shape, contents), see them as a table and, for 1-D
// and 2-D numeric ones, as a line plot or a heat map; read them back from the device; free them.
import type { NDArray } from '../../client/client.ts';
import type { RpcSession } from '../../client/rpc-session.ts';
import { busy, h } from './dom.ts';
import { heatMap, linePlot } from './plot.ts';
import { DTYPES, dtypeName, elements, fill, parseShape } from './tensor-data.ts';

interface Entry {
  t: NDArray;
  bytes: Uint8Array;
}

const TABLE_MAX = 256;

export class TensorsView {
  readonly tensors = new Map<string, NDArray>();
  private readonly entries = new Map<string, Entry>();
  private next = 0;
  private readonly listEl: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly status: HTMLElement;
  private readonly session: () => RpcSession | undefined;

  constructor(root: HTMLElement, session: () => RpcSession | undefined) {
    this.session = session;
    const dtype = h('select', { id: 't-dtype' }, ...Object.keys(DTYPES).map((d) => h('option', { value: d, text: d })));
    dtype.value = 'float32';
    const shape = h('input', { id: 't-shape', type: 'text', value: '64', autocomplete: 'off' });
    const kind = h('select', { id: 't-fill' }, ...['sine', 'ramp', 'random', 'zeros', 'values'].map((k) => h('option', { value: k, text: k })));
    const values = h('textarea', { id: 't-values', rows: 2, placeholder: 'values, for fill "values": 1 2 3 ...' });
    const create = h('button', { type: 'submit', class: 'primary', text: 'Create on device' });
    this.status = h('output', { class: 'result' });
    const form = h('form', { class: 'row' },
      h('label', { for: 't-dtype', text: 'dtype' }), dtype,
      h('label', { for: 't-shape', text: 'shape' }), shape,
      h('label', { for: 't-fill', text: 'fill' }), kind, create);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void busy(create, this.status, async () => {
        const s = this.session();
        if (s === undefined) throw new Error('not connected');
        const dims = parseShape(shape.value);
        const data = fill(kind.value, dtype.value, dims.reduce((a, b) => a * b, 1), values.value);
        const t = await s.array(data, { shape: dims, dtype: DTYPES[dtype.value] });
        const name = this.add(t, new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
        this.status.textContent = `${name}: ${t.nbytes} bytes on the device`;
      });
    });
    this.listEl = h('ul', { class: 't-list', 'aria-label': 'tensors' });
    this.detail = h('section', { class: 't-detail', 'aria-live': 'polite' });
    root.append(form, values, this.status, h('div', { class: 'split t-split' }, this.listEl, this.detail));
  }

  /** Keeps a tensor (from the form or window.urpc) under a new name. */
  add(t: NDArray, bytes: Uint8Array): string {
    const name = `t${this.next++}`;
    this.tensors.set(name, t);
    this.entries.set(name, { t, bytes });
    this.renderList();
    this.show(name);
    return name;
  }

  /** A new session: the device's memory from before is gone. */
  forget(why: string): void {
    if (this.entries.size === 0) return;
    this.tensors.clear();
    this.entries.clear();
    this.renderList();
    this.detail.replaceChildren(h('p', { class: 'muted', text: `Tensors from before were dropped: ${why}.` }));
  }

  private renderList(): void {
    this.listEl.replaceChildren(...[...this.entries].map(([name, e]) => h('li', {},
      h('button', { class: 'link', 'data-tensor': name, onclick: () => this.show(name) }, `${name}  ${dtypeName(e.t.dtype)}[${e.t.shape.join('×')}]`))));
  }

  show(name: string): void {
    const e = this.entries.get(name);
    if (e === undefined) return;
    const out = h('output', { class: 'result' });
    const canvas = h('canvas', { class: 'plot', 'aria-label': `plot of ${name}`, role: 'img' });
    const table = h('div', { class: 'table-wrap' });
    const readBack = h('button', { text: 'Read back from device' });
    const free = h('button', { text: 'Free' });
    readBack.addEventListener('click', () => void busy(readBack, out, async () => {
      const t0 = performance.now();
      e.bytes = await e.t.copyTo();
      out.textContent = `read ${e.bytes.length} bytes in ${(performance.now() - t0).toFixed(1)} ms`;
      this.draw(name, e, canvas, table);
    }));
    free.addEventListener('click', () => void busy(free, out, async () => {
      await e.t.free();
      this.entries.delete(name);
      this.tensors.delete(name);
      this.renderList();
      this.detail.replaceChildren(h('p', { class: 'muted', text: `${name} freed.` }));
    }));
    this.detail.replaceChildren(h('h3', { text: `${name}: ${dtypeName(e.t.dtype)}[${e.t.shape.join('×')}], ${e.t.nbytes} bytes` }),
      h('div', { class: 'row' }, readBack, free), out, canvas, table);
    this.draw(name, e, canvas, table);
  }

  private draw(name: string, e: Entry, canvas: HTMLCanvasElement, table: HTMLElement): void {
    const v = elements(e.bytes, e.t.dtype);
    const shape = e.t.shape;
    const cols = shape.length === 2 ? shape[1]! : Math.min(8, v.length);
    canvas.hidden = shape.length > 2;
    if (shape.length === 1) linePlot(canvas, [{ label: name, ys: Array.from(v) }], { title: `${name} (line plot)` });
    else if (shape.length === 2) heatMap(canvas, v, shape[0]!, shape[1]!, `${name} (heat map)`);
    const n = Math.min(v.length, TABLE_MAX);
    const rows: HTMLElement[] = [];
    for (let r = 0; r * cols < n; r++) {
      const cells = Array.from(v.subarray(r * cols, Math.min(n, (r + 1) * cols)), (x) => h('td', { text: Number.isInteger(x) ? String(x) : x.toPrecision(4) }));
      rows.push(h('tr', {}, h('th', { scope: 'row', text: shape.length === 2 ? String(r) : String(r * cols) }), ...cells));
    }
    table.replaceChildren(h('table', { class: 'nums', 'aria-label': `${name} values` }, h('tbody', {}, ...rows)),
      ...(v.length > n ? [h('p', { class: 'muted', text: `first ${n} of ${v.length} elements` })] : []));
  }
}
