// JavaScript references of the kernels in examples/kernels/app, written independently of the
// FwTS (BigInt for the 64-bit requantisation, typed arrays for the int8 / int32 wrapping): the
// host compares the device's results with these byte for byte (check.ts).

/** round(acc * m / 2^(31 + shift)), halves toward +infinity, on the exact product. */
export function requantizeRef(acc: number, m: number, shift: number): number {
  const p = BigInt(acc) * BigInt(m) + (1n << BigInt(30 + shift));
  return Number(p >> BigInt(31 + shift)); // BigInt >> is a floor (arithmetic) shift
}

/** TFLite's QuantizeMultiplier for a positive real scale < 1: scale = m / 2^(31 + shift) with m a
 * Q31 integer in [2^30, 2^31). */
export function quantizeMultiplier(scale: number): { m: number; shift: number } {
  if (!(scale > 0 && scale < 1)) throw new RangeError(`scale ${scale} is not in (0, 1)`);
  let shift = 0;
  let s = scale;
  while (s < 0.5) {
    s *= 2;
    shift++;
  }
  let m = Math.round(s * 2 ** 31);
  if (m === 2 ** 31) {
    m /= 2;
    shift--;
  }
  if (shift > 31) throw new RangeError(`scale ${scale} is too small for a shift of at most 31`);
  return { m, shift: Math.max(shift, 0) };
}

export interface DenseQ8Case {
  x: Int8Array;
  /** [n, k] row-major. */
  w: Int8Array;
  bias: Int32Array;
  n: number;
  k: number;
  xZero: number;
  yZero: number;
  m: number;
  shift: number;
  relu: boolean;
}

/** y and the count of saturated outputs, as denseQ8 computes them. */
export function denseQ8Ref(c: DenseQ8Case): { y: Int8Array; saturated: number } {
  const y = new Int8Array(c.n);
  let saturated = 0;
  const lowest = c.relu ? c.yZero : -128;
  for (let j = 0; j < c.n; j++) {
    let acc = c.bias[j];
    for (let i = 0; i < c.k; i++) acc = (acc + (c.x[i] - c.xZero) * c.w[j * c.k + i]) | 0;
    const v = requantizeRef(acc, c.m, c.shift) + c.yZero;
    if (v > 127 || v < -128) saturated++;
    y[j] = Math.min(127, Math.max(lowest, v));
  }
  return { y, saturated };
}

// ---- float32 kernels: Math.fround after every operation, in the device's order ----

const f = Math.fround;

/** denseF32: y[j] = b[j] + sum w[j][i] x[i] (in order, each step rounded to f32), ReLU optional
 * (anything not > 0, NaN included, becomes +0). */
export function denseF32Ref(x: Float32Array, w: Float32Array, b: Float32Array, relu: boolean): Float32Array {
  const n = b.length;
  const k = x.length;
  const y = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    let acc = b[j];
    for (let i = 0; i < k; i++) acc = f(acc + f(w[j * k + i] * x[i]));
    y[j] = relu && !(acc > 0) ? 0 : acc;
  }
  return y;
}

/** biquadF32 (direct form II transposed) from state [s1, s2]: the output and the new state. */
export function biquadF32Ref(x: Float32Array, coeffs: Float32Array, state: Float32Array): { y: Float32Array; state: Float32Array } {
  const [b0, b1, b2, a1, a2] = coeffs;
  let [s1, s2] = state;
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const yn = f(f(b0 * x[i]) + s1);
    s1 = f(f(f(b1 * x[i]) - f(a1 * yn)) + s2);
    s2 = f(f(b2 * x[i]) - f(a2 * yn));
    y[i] = yn;
  }
  return { y, state: Float32Array.of(s1, s2) };
}

/** RBJ audio-EQ-cookbook low-pass coefficients [b0, b1, b2, a1, a2] (a0 normalised), as float32. */
export function lowPass(cutoff: number, sampleRate: number, q = Math.SQRT1_2): Float32Array {
  const w0 = (2 * Math.PI * cutoff) / sampleRate;
  const alpha = Math.sin(w0) / (2 * q);
  const cos = Math.cos(w0);
  const a0 = 1 + alpha;
  return Float32Array.of(((1 - cos) / 2) / a0, (1 - cos) / a0, ((1 - cos) / 2) / a0, (-2 * cos) / a0, (1 - alpha) / a0);
}
