// Test app of test/device-functions/floats.test.ts: float32 / float64 tensor elements and
// float16 / bfloat16 conversions.

import { u8, u16, u32, f32, f64 } from '../../../firmware/lib/prelude.ts';
import { Tensor, DType, fail, halfToF32, f32ToHalf, bf16ToF32, f32ToBf16 } from '../../../firmware/app/api.ts';

/** The f32 sum of a float32 tensor's elements, in order (fail(1) for another dtype). */
export function sumF32(t: Tensor): f32 {
  if (!t.is(DType.Float, u32(32))) {
    fail(u32(1));
    return f32(0);
  }
  let s: f32 = f32(0);
  for (let i = u32(0); i < t.count(); i++) {
    s = f32(s + t.getF32(i));
  }
  return s;
}

/** y[i] = a * x[i] + y[i] on float64 tensors (two roundings: no fused multiply-add). */
export function axpyF64(a: f64, x: Tensor, y: Tensor): void {
  if (!x.is(DType.Float, u32(64)) || !y.is(DType.Float, u32(64))) {
    fail(u32(1));
    return;
  }
  for (let i = u32(0); i < x.count(); i++) {
    y.setF64(i, f64(f64(a * x.getF64(i)) + y.getF64(i)));
  }
}

/** dst[i] = f32(src[i] * k) for each element of src: float32 elements, read with getF32 and
 * written with setF32. */
export function scaleF32(src: Tensor, dst: Tensor, k: f32): void {
  for (let i = u32(0); i < src.count(); i++) {
    dst.setF32(i, f32(src.getF32(i) * k));
  }
}

/** Element i of a float64 tensor (Bounds past the end). */
export function elementF64(t: Tensor, i: u32): f64 {
  return t.getF64(i);
}

/** Element kinds of widen() / narrow(). */
const HALF = 0;

/** dst (float32) = src (float16 when kind is 0, else bfloat16) widened, element by element. */
export function widen(src: Tensor, dst: Tensor, kind: u8): void {
  for (let i = u32(0); i < src.count(); i++) {
    const h: u16 = src.getU16(i);
    dst.setF32(i, kind === HALF ? halfToF32(h) : bf16ToF32(h));
  }
}

/** dst (float16 when kind is 0, else bfloat16) = src (float32) rounded to nearest even. */
export function narrow(src: Tensor, dst: Tensor, kind: u8): void {
  for (let i = u32(0); i < src.count(); i++) {
    const x: f32 = src.getF32(i);
    dst.setU16(i, kind === HALF ? f32ToHalf(x) : f32ToBf16(x));
  }
}
