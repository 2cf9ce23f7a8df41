// Device functions: every exported function of the .ts files in app/ runs on the device.
// `urpc build --board native --app app` lowers them to C99 with the firmware and writes
// app/app.d.ts, the host types of session.functions. They also run as they are in Node
// (test/app.test.ts compares both). Parameters: u8 u16 u32 i8 i16 i32, boolean, Tensor;
// results: those (not Tensor) or void.
import { u32, i32, imul32, Tensor, DType, fail } from 'urpc/fwts';

/** Error code of total() for a tensor that is not int32. */
const NOT_INT32 = 1;

/** a * b + c, wrapping at 32 bits (the device's C and Node agree). */
export function madd(a: i32, b: i32, c: i32): i32 {
  return i32(imul32(a, b) + c);
}

/** The sum of the elements of an int32 tensor (wrapping). */
export function total(t: Tensor): i32 {
  if (!t.is(DType.Int, u32(32))) {
    fail(u32(NOT_INT32));
    return i32(0);
  }
  const n: u32 = t.count();
  let sum: i32 = i32(0);
  for (let i = u32(0); i < n; i++) {
    sum = i32(sum + t.getI32(i));
  }
  return sum;
}
