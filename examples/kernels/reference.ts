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
