// An example app: user device functions in FwTS. `urpc build --board native --app examples/app`
// generates their registry entries (argument checks, marshalling, names) and the host types
// (build/native/app/app.d.ts), so `session.functions.scale(t, 3)` type-checks on the host.

import { u8, u32, i32, imul32 } from '../../firmware/lib/prelude.ts';
import { Tensor, DType, fail } from '../../firmware/app/api.ts';

/** Error code of scale() for a tensor that is not int32. */
const NOT_INT32 = 1;

/** Multiplies every element of an int32 tensor by k, in place; returns the new sum (wrapping). */
export function scale(t: Tensor, k: i32): i32 {
  if (!t.is(DType.Int, u32(32))) {
    fail(u32(NOT_INT32));
    return i32(0);
  }
  const n: u32 = t.count();
  let sum: i32 = i32(0);
  for (let i = u32(0); i < n; i++) {
    const v: i32 = imul32(t.getI32(i), k);
    t.setI32(i, v);
    sum = i32(sum + v);
  }
  return sum;
}

/** The sum of two bytes (each argument is range-checked to 0..255 before the call). */
export function addBytes(a: u8, b: u8): u32 {
  return u32(a + b);
}

/** The number of dimensions of t times 100 plus its first extent (0 for a scalar). */
export function describe(t: Tensor): u32 {
  const first: u32 = t.ndim() > 0 ? t.dim(u32(0)) : u32(0);
  return u32(mulBy100(t.ndim()) + first);
}

function mulBy100(x: u32): u32 {
  return u32(x * 100);
}

/** Whether x is negative. */
export function isNegative(x: i32): boolean {
  return x < 0;
}

/** Sets every byte of t to v. */
export function fillBytes(t: Tensor, v: u8): void {
  const n: u32 = t.nbytes();
  for (let i = u32(0); i < n; i++) {
    t.setU8(i, v);
  }
}
