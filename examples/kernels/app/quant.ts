// An int8-quantised dense layer (TFLite's fully-connected kernel without floats): int8
// activations with a zero point, symmetric int8 weights, int32 bias and accumulators, and a
// requantisation by a Q31 multiplier and a right shift. Everything here is integer arithmetic, so
// Node (the reference semantics) and the C on any board produce the same bytes.
// The host checks it against a JavaScript reference: examples/kernels/reference.ts.

import { u8, u16, u32, i8, i32, imul32, mul32 } from '../../../firmware/lib/prelude.ts';
import { Tensor, DType, fail } from '../../../firmware/app/api.ts';

/** fail() codes of denseQ8. */
const BAD_DTYPE = 1;
const BAD_SHAPE = 2;
const BAD_SCALE = 3;

/** High word of the 64-bit product a * b, from 16-bit halves (FwTS has no 64-bit integers). */
function mulHi32(a: u32, b: u32): u32 {
  const al: u32 = u32(u16(a));
  const ah: u32 = u32(a >>> 16);
  const bl: u32 = u32(u16(b));
  const bh: u32 = u32(b >>> 16);
  const ll: u32 = mul32(al, bl);
  const lh: u32 = mul32(al, bh);
  const hl: u32 = mul32(ah, bl);
  const mid: u32 = u32((ll >>> 16) + (lh & 0xffff) + (hl & 0xffff));
  return u32(mul32(ah, bh) + (lh >>> 16) + (hl >>> 16) + (mid >>> 16));
}

/** The requantised output of accumulator `acc`: round(acc * m / 2^(31 + shift)), halves rounded
 * up (toward +infinity), computed on the exact 64-bit product. m is a Q31 multiplier in
 * (0, 2^31), shift in [0, 31] (else fail(3)), so the result fits an i32. */
export function requantize(acc: i32, m: i32, shift: u32): i32 {
  if (m <= 0 || shift > 31) {
    fail(u32(BAD_SCALE));
    return i32(0);
  }
  // |acc| * m as an unsigned 64-bit (hi, lo), then negated when acc < 0.
  const mag: u32 = acc < 0 ? u32(0 - acc) : u32(acc);
  let lo: u32 = mul32(mag, u32(m));
  let hi: u32 = mulHi32(mag, u32(m));
  if (acc < 0) {
    lo = u32(~lo + 1);
    hi = u32(~hi + (lo === 0 ? 1 : 0));
  }
  // + 2^(30 + shift), the rounding half.
  if (shift < 2) {
    const r: u32 = u32(1 << u32(30 + shift));
    const sum: u32 = u32(lo + r);
    hi = u32(hi + (sum < lo ? 1 : 0));
    lo = sum;
  } else {
    hi = u32(hi + u32(1 << u32(shift - 2)));
  }
  // Arithmetic shift right by 31 + shift (31 .. 62); the low 32 bits are the result.
  if (shift === 0) {
    return i32(u32(lo >>> 31) | u32(hi << 1));
  }
  return i32(i32(hi) >> u32(shift - 1));
}

/** y = requantize(bias + W (x - xZero)) + yZero, saturated to int8 (to [yZero, 127] with relu).
 * x: int8 [K], w: int8 [N, K] row-major, bias: int32 [N], y: int8 [N] (written). m, shift: the
 * requantisation (input scale x weight scale / output scale = m / 2^(31 + shift)). Accumulators
 * are int32 and wrap (keep K x 255 x 128 + bias below 2^31). Returns how many outputs saturated.
 * fail(1): a dtype is wrong; fail(2): the shapes do not match; fail(3): m <= 0 or shift > 31. */
export function denseQ8(x: Tensor, w: Tensor, bias: Tensor, y: Tensor, xZero: i8, yZero: i8, m: i32, shift: u8, relu: boolean): u32 {
  if (!x.is(DType.Int, u32(8)) || !w.is(DType.Int, u32(8)) || !bias.is(DType.Int, u32(32)) || !y.is(DType.Int, u32(8))) {
    fail(u32(BAD_DTYPE));
    return u32(0);
  }
  const k: u32 = x.count();
  const n: u32 = y.count();
  if (w.ndim() !== 2 || w.dim(u32(0)) !== n || w.dim(u32(1)) !== k || bias.count() !== n) {
    fail(u32(BAD_SHAPE));
    return u32(0);
  }
  if (m <= 0 || shift > 31) {
    fail(u32(BAD_SCALE));
    return u32(0);
  }
  const lowest: i32 = relu ? i32(yZero) : i32(-128);
  let saturated: u32 = u32(0);
  for (let j = u32(0); j < n; j++) {
    let acc: i32 = bias.getI32(j);
    const row: u32 = mul32(j, k);
    for (let i = u32(0); i < k; i++) {
      acc = i32(acc + imul32(i32(x.getI8(i) - xZero), i32(w.getI8(u32(row + i)))));
    }
    let q: i32 = requantize(acc, m, u32(shift));
    // Clamp before adding the zero point so the sum cannot wrap (and still saturates).
    if (q > 1024) {
      q = i32(1024);
    } else if (q < -1024) {
      q = i32(-1024);
    }
    q = i32(q + yZero);
    if (q > 127) {
      q = i32(127);
      saturated = u32(saturated + 1);
    } else if (q < lowest) {
      if (q < -128) {
        saturated = u32(saturated + 1);
      }
      q = lowest;
    }
    y.setI8(j, i8(q));
  }
  return saturated;
}
