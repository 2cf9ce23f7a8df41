// JavaScript references for float16 / bfloat16 conversions, written without the device's bit
// manipulation: encodings are decoded with the textbook formula, and narrowing picks the nearer
// of the two candidate encodings by comparing exact distances (ties to the even encoding).

/** The value of a float16 encoding. */
export function halfValue(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0x1f) return m === 0 ? s * Infinity : NaN;
  return s * (e === 0 ? m * 2 ** -24 : (1024 + m) * 2 ** (e - 25));
}

/** The value of a bfloat16 encoding. */
export function bf16Value(h: number): number {
  const u = new Uint32Array([h << 16]);
  return new Float32Array(u.buffer)[0];
}

/** The nearer of two consecutive encodings lo, lo + 1 (magnitudes) to a >= 0, ties to the even
 * one. `value` must give the infinity encoding the value it would have with an unbounded
 * exponent (2^16, 2^128), as IEEE rounding does. */
function nearer(a: number, lo: number, value: (h: number) => number): number {
  const below = a - value(lo);
  const above = value(lo + 1) - a;
  if (below < above) return lo;
  if (above < below) return lo + 1;
  return lo % 2 === 0 ? lo : lo + 1;
}

const halfUnbounded = (h: number): number => (h === 0x7c00 ? 65536 : halfValue(h));
const bf16Unbounded = (h: number): number => (h === 0x7f80 ? 2 ** 128 : bf16Value(h));

/** The float16 encoding nearest to the f32 value x (ties to even; NaN 0x7e00). */
export function toHalfRef(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65536) return sign | 0x7c00;
  // The largest encoding whose magnitude is <= a (binary search over 0 .. 0x7bff).
  let lo = 0;
  let hi = 0x7bff;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (halfValue(mid) <= a) lo = mid;
    else hi = mid - 1;
  }
  return sign | (halfValue(lo) === a ? lo : nearer(a, lo, halfUnbounded));
}

/** The bfloat16 encoding nearest to the f32 value x (ties to even; NaN 0x7fc0). */
export function toBf16Ref(x: number): number {
  if (Number.isNaN(x)) return 0x7fc0;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | 0x7f80;
  // Truncation gives the encoding just below (bfloat16 is the top half of a binary32).
  const lo = new Uint32Array(new Float32Array([a]).buffer)[0] >>> 16;
  return sign | (bf16Value(lo) === a ? lo : nearer(a, lo, bf16Unbounded));
}
