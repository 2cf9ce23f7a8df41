// The Bench tab: call latency (urpc.echo of a bytes payload, p50 and p99 per size) and tensor
// copy goodput (copyFrom / copyTo of uint8 tensors) over the current link, plotted as they come.
import type { RpcSession } from '../../client/rpc-session.ts';
import { DType } from '../../client/client.ts';
import { busy, h } from './dom.ts';
import { linePlot } from './plot.ts';

export const ECHO_SIZES = [0, 16, 64, 256, 1024];
export const COPY_SIZES = [1024, 4096, 16384, 65536];

export interface BenchResult {
  latency: { bytes: number; p50Ms: number; p99Ms: number }[];
  goodput: { bytes: number; toDeviceKiBs: number; fromDeviceKiBs: number }[];
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Runs the bench over `s`: `calls` echo calls per size (bounded to 1..1000), 3 copies per size. */
export async function runBench(s: RpcSession, calls: number, progress: (r: BenchResult, what: string) => void): Promise<BenchResult> {
  const n = Math.max(1, Math.min(1000, Math.floor(calls)));
  const r: BenchResult = { latency: [], goodput: [] };
  for (const bytes of ECHO_SIZES) {
    const payload = new Uint8Array(bytes).map((_, i) => i & 0xff);
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await s.call('urpc.echo', payload);
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    r.latency.push({ bytes, p50Ms: quantile(ms, 0.5), p99Ms: quantile(ms, 0.99) });
    progress(r, `echo ${bytes} B`);
  }
  for (const bytes of COPY_SIZES) {
    const data = new Uint8Array(bytes).map((_, i) => (i * 7) & 0xff);
    const t = await s.empty([bytes], DType.uint8);
    try {
      let up = 0, down = 0;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        await t.copyFrom(data);
        const t1 = performance.now();
        await t.copyTo();
        up += t1 - t0;
        down += performance.now() - t1;
      }
      r.goodput.push({ bytes, toDeviceKiBs: (3 * bytes) / 1024 / (up / 1000), fromDeviceKiBs: (3 * bytes) / 1024 / (down / 1000) });
    } finally {
      await t.free().catch(() => undefined);
    }
    progress(r, `copy ${bytes} B`);
  }
  return r;
}

const kib = (b: number): string => (b >= 1024 ? `${b / 1024} KiB` : `${b} B`);

export class BenchView {
  /** The last complete result (tests and window.urpc read it). */
  last: BenchResult | undefined;

  constructor(root: HTMLElement, session: () => RpcSession | undefined) {
    const calls = h('input', { id: 'b-calls', type: 'number', min: 1, max: 1000, value: 20 });
    const run = h('button', { type: 'submit', class: 'primary', text: 'Run bench' });
    const out = h('output', { class: 'result', id: 'bench-status' });
    const lat = h('canvas', { class: 'plot', role: 'img', 'aria-label': 'latency by payload size' });
    const gp = h('canvas', { class: 'plot', role: 'img', 'aria-label': 'goodput by tensor size' });
    const form = h('form', { class: 'row' }, h('label', { for: 'b-calls', text: 'calls per size' }), calls, run);
    const draw = (r: BenchResult): void => {
      linePlot(lat, [{ label: 'p50', ys: r.latency.map((x) => x.p50Ms) }, { label: 'p99', ys: r.latency.map((x) => x.p99Ms) }],
        { xLabels: r.latency.map((x) => kib(x.bytes)), yLabel: 'ms', title: 'echo latency by payload' });
      linePlot(gp, [{ label: 'to device', ys: r.goodput.map((x) => x.toDeviceKiBs) }, { label: 'from device', ys: r.goodput.map((x) => x.fromDeviceKiBs) }],
        { xLabels: r.goodput.map((x) => kib(x.bytes)), yLabel: 'KiB/s', title: 'tensor copy goodput by size' });
    };
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void busy(run, out, async () => {
        const s = session();
        if (s === undefined) throw new Error('not connected');
        this.last = undefined;
        out.textContent = 'running…';
        const r = await runBench(s, Number(calls.value), (p, what) => { out.textContent = `running… ${what} done`; draw(p); });
        this.last = r;
        out.textContent = `done: p50 ${r.latency[0]!.p50Ms.toFixed(2)} ms (empty echo), ${r.goodput.at(-1)!.toDeviceKiBs.toFixed(0)} KiB/s to the device (64 KiB)`;
      });
    });
    root.append(form, out, h('div', { class: 'plots' }, lat, gp));
    draw({ latency: [], goodput: [] });
  }
}
