// Canvas plots, no library: a line plot (1-D tensors, bench curves) and a heat map (2-D tensors).
// Colours come from the page's CSS variables so the plots follow the theme.

export interface Series {
  label: string;
  ys: number[];
}

function css(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

const SERIES_COLOURS = ['--plot-1', '--plot-2', '--plot-3'];

function setup(canvas: HTMLCanvasElement): { g: CanvasRenderingContext2D; w: number; h: number } {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 480;
  const h = canvas.clientHeight || 240;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const g = canvas.getContext('2d')!;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  g.font = '11px system-ui, sans-serif';
  return { g, w, h };
}

function fmt(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-2)) return v.toExponential(1);
  return Number.isInteger(v) ? String(v) : v.toFixed(a < 10 ? 2 : 1);
}

/** Lines over x labels (one per point); y from 0 (or the data's minimum if negative). */
export function linePlot(canvas: HTMLCanvasElement, series: Series[], opts: { xLabels?: string[]; yLabel?: string; title?: string } = {}): void {
  const { g, w, h } = setup(canvas);
  const all = series.flatMap((s) => s.ys).filter(Number.isFinite);
  const n = Math.max(1, ...series.map((s) => s.ys.length));
  const fg = css('--fg', '#222');
  const grid = css('--grid', '#ddd');
  const left = 56, right = 12, top = opts.title ? 22 : 10, bottom = 28;
  g.fillStyle = fg;
  if (opts.title) g.fillText(opts.title, left, 14);
  if (all.length === 0) {
    g.fillText('no data', left, top + 20);
    return;
  }
  let lo = Math.min(0, ...all);
  let hi = Math.max(...all);
  if (hi === lo) hi = lo + 1;
  const X = (i: number): number => left + (n === 1 ? (w - left - right) / 2 : (i * (w - left - right)) / (n - 1));
  const Y = (v: number): number => top + (1 - (v - lo) / (hi - lo)) * (h - top - bottom);
  g.strokeStyle = grid;
  g.lineWidth = 1;
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    g.beginPath();
    g.moveTo(left, Y(v));
    g.lineTo(w - right, Y(v));
    g.stroke();
    g.fillText(fmt(v), 4, Y(v) + 4);
  }
  if (opts.xLabels) {
    const step = Math.ceil(opts.xLabels.length / 8);
    opts.xLabels.forEach((l, i) => {
      if (i % step !== 0) return;
      const tw = g.measureText(l).width;
      g.fillText(l, Math.max(left - 8, Math.min(w - right - tw, X(i) - tw / 2)), h - 10);
    });
  }
  if (opts.yLabel) g.fillText(opts.yLabel, left + 4, top + 12);
  series.forEach((s, k) => {
    const colour = css(SERIES_COLOURS[k % SERIES_COLOURS.length]!, '#36c');
    g.strokeStyle = colour;
    g.fillStyle = colour;
    g.lineWidth = 2;
    g.beginPath();
    s.ys.forEach((v, i) => (i === 0 ? g.moveTo(X(i), Y(v)) : g.lineTo(X(i), Y(v))));
    g.stroke();
    if (s.ys.length <= 32) s.ys.forEach((v, i) => g.fillRect(X(i) - 2, Y(v) - 2, 4, 4));
    if (series.length > 1) g.fillText(s.label, w - right - 90, top + 14 + 14 * k);
  });
}

/** rows x cols values as coloured cells (dark: low, bright: high), with the range in a legend. */
export function heatMap(canvas: HTMLCanvasElement, values: ArrayLike<number>, rows: number, cols: number, title = ''): void {
  const { g, w, h } = setup(canvas);
  const top = 22, legend = 16;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < rows * cols; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) hi = lo + 1;
  g.fillStyle = css('--fg', '#222');
  g.fillText(`${title}${title ? '  ' : ''}${rows}×${cols}, min ${fmt(lo)}, max ${fmt(hi)}`, 4, 14);
  const cw = (w - 8) / cols;
  const ch = (h - top - legend) / rows;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const t = (values[r * cols + c]! - lo) / (hi - lo);
      // viridis-like ramp: dark blue -> teal -> yellow
      g.fillStyle = `hsl(${Math.round(250 - 190 * t)} 70% ${Math.round(20 + 50 * t)}%)`;
      g.fillRect(4 + c * cw, top + r * ch, Math.ceil(cw), Math.ceil(ch));
    }
  }
  for (let i = 0; i < 100; i++) {
    g.fillStyle = `hsl(${Math.round(250 - 190 * (i / 99))} 70% ${Math.round(20 + 50 * (i / 99))}%)`;
    g.fillRect(4 + (i * (w - 8)) / 100, h - legend + 4, Math.ceil((w - 8) / 100), 8);
  }
}
