// Test app of test/device-functions: functions that panic on request (a bounds error, a
// division by zero, an explicit panic()), so the suites can check that only the call fails.
// The tests expect each panic at the line of its statement (test/device-functions/helpers.ts siteOf).

import { u8, u32, i32, divu, panic, log } from '../../../firmware/lib/prelude.ts';
import { Tensor } from '../../../firmware/app/api.ts';

/** Element i of an int32 tensor (Bounds past the end, inside Tensor.getI32). */
export function elementAt(t: Tensor, i: u32): i32 {
  return t.getI32(i);
}

/** a / b (DivZero when b is 0). */
export function quotient(a: u32, b: u32): u32 {
  return divu(a, b);
}

/** 7, or panic(code) when code is not 0. */
export function boom(code: u32): u32 {
  if (code !== 0) {
    panic(code);
  }
  return u32(7);
}

/** Writes v into byte 0 of t, logs, then writes past the end (Bounds): the first write stays. */
export function writeThenPanic(t: Tensor, v: u8): void {
  t.setU8(u32(0), v);
  log('writeThenPanic wrote', v);
  t.setU8(t.nbytes(), v);
}

let calls: u32 = u32(0);

/** How many times it was called (module state survives a panic in another function). */
export function callCount(): u32 {
  calls = u32(calls + 1);
  return calls;
}
