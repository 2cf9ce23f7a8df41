// float32 kernels: a dense layer with bias and ReLU, and a biquad filter. Every f32 operation is
// rounded on its own (f32(...) around each + - *: no fused multiply-add, the C is built with
// -ffp-contract=off) and the loops run in a fixed order, so Node (the reference semantics), the
// native build and every board give the same bits. The host checks them against a JavaScript
// reference: examples/kernels/reference.ts.

import { u32, f32, mul32 } from '../../../firmware/lib/prelude.ts';
import { Tensor, DType, fail } from '../../../firmware/app/api.ts';

/** fail() codes. */
const BAD_DTYPE = 1;
const BAD_SHAPE = 2;

function isF32(t: Tensor): boolean {
  return t.is(DType.Float, u32(32));
}

/** y = W x + b, then max(y, 0) per element with relu (NaN and -0 become +0). x: float32 [K],
 * w: float32 [N, K] row-major, b: float32 [N], y: float32 [N] (written). Each output is
 * b[j] + w[j][0] x[0] + w[j][1] x[1] + ..., added in that order.
 * fail(1): a dtype is not float32; fail(2): the shapes do not match. */
export function denseF32(x: Tensor, w: Tensor, b: Tensor, y: Tensor, relu: boolean): void {
  if (!isF32(x) || !isF32(w) || !isF32(b) || !isF32(y)) {
    fail(u32(BAD_DTYPE));
    return;
  }
  const k: u32 = x.count();
  const n: u32 = y.count();
  if (w.ndim() !== 2 || w.dim(u32(0)) !== n || w.dim(u32(1)) !== k || b.count() !== n) {
    fail(u32(BAD_SHAPE));
    return;
  }
  for (let j = u32(0); j < n; j++) {
    let acc: f32 = b.getF32(j);
    const row: u32 = mul32(j, k);
    for (let i = u32(0); i < k; i++) {
      acc = f32(acc + f32(w.getF32(u32(row + i)) * x.getF32(i)));
    }
    if (relu && !(acc > 0)) {
      acc = f32(0);
    }
    y.setF32(j, acc);
  }
}

/** A biquad filter (direct form II transposed) over x into y: coeffs float32 [5] = b0 b1 b2 a1 a2
 * (a0 = 1), state float32 [2] = s1 s2, read and updated in place, so a signal may be filtered in
 * pieces. Per sample: y = b0 x + s1; s1 = b1 x - a1 y + s2; s2 = b2 x - a2 y.
 * fail(1): a dtype is not float32; fail(2): coeffs is not 5 elements, state not 2, or y is
 * shorter than x. */
export function biquadF32(x: Tensor, y: Tensor, coeffs: Tensor, state: Tensor): void {
  if (!isF32(x) || !isF32(y) || !isF32(coeffs) || !isF32(state)) {
    fail(u32(BAD_DTYPE));
    return;
  }
  if (coeffs.count() !== 5 || state.count() !== 2 || y.count() < x.count()) {
    fail(u32(BAD_SHAPE));
    return;
  }
  const b0: f32 = coeffs.getF32(u32(0));
  const b1: f32 = coeffs.getF32(u32(1));
  const b2: f32 = coeffs.getF32(u32(2));
  const a1: f32 = coeffs.getF32(u32(3));
  const a2: f32 = coeffs.getF32(u32(4));
  let s1: f32 = state.getF32(u32(0));
  let s2: f32 = state.getF32(u32(1));
  for (let i = u32(0); i < x.count(); i++) {
    const xn: f32 = x.getF32(i);
    const yn: f32 = f32(f32(b0 * xn) + s1);
    s1 = f32(f32(f32(b1 * xn) - f32(a1 * yn)) + s2);
    s2 = f32(f32(b2 * xn) - f32(a2 * yn));
    y.setF32(i, yn);
  }
  state.setF32(u32(0), s1);
  state.setF32(u32(1), s2);
}
