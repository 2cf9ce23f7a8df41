// Test app of test/device-functions/floats.test.ts: f32 / f64 arguments and results, and floats
// with str and integer arguments and str results.

import { u8, u32, i32, f32, f64, abs, f32bits, f64hi, f64lo, bytes, view, wr8, F64_INFINITY } from '../../../firmware/lib/prelude.ts';
import { Str, textOf } from '../../../firmware/app/api.ts';

/** x * k in f64. */
export function mulF64(x: f64, k: f64): f64 {
  return f64(x * k);
}

/** a + b in f32. */
export function addF32(a: f32, b: f32): f32 {
  return f32(a + b);
}

/** Its argument, as received. */
export function echoF32(x: f32): f32 {
  return x;
}

/** Its argument, as received. */
export function echoF64(x: f64): f64 {
  return x;
}

/** The binary32 encoding of the f32 argument. */
export function bitsF32(x: f32): u32 {
  return f32bits(x);
}

/** The high word of the binary64 encoding of the argument. */
export function hiF64(x: f64): u32 {
  return f64hi(x);
}

/** The low word of the binary64 encoding of the argument. */
export function loF64(x: f64): u32 {
  return f64lo(x);
}

/** n copies of x added up in f64, plus the byte length of label (a str, an f64 and an int). */
export function tally(label: Str, x: f64, n: i32): f64 {
  let sum: f64 = f64(label.length());
  for (let i = i32(0); i < n; i++) {
    sum = f64(sum + x);
  }
  return sum;
}

const KIND = bytes(16);
const NAN_TEXT: readonly u8[] = [u8(0x6e), u8(0x61), u8(0x6e)];
const FINITE_TEXT: readonly u8[] = [u8(0x66), u8(0x69), u8(0x6e), u8(0x69), u8(0x74), u8(0x65)];

/** "nan", "+inf", "-inf", "+0", "-0" or "finite": a str result from an f64 argument. */
export function classify(x: f64): Str {
  let n: u32 = u32(0);
  if (x !== x) {
    for (let i = u32(0); i < NAN_TEXT.length; i++) {
      wr8(KIND, i, NAN_TEXT[i]);
    }
    return textOf(view(KIND, u32(0), u32(3)));
  }
  if (x === 0) {
    wr8(KIND, u32(0), f64hi(x) !== 0 ? u8(0x2d) : u8(0x2b));
    wr8(KIND, u32(1), u8(0x30));
    n = u32(2);
  } else if (abs(x) === F64_INFINITY) {
    wr8(KIND, u32(0), x < 0 ? u8(0x2d) : u8(0x2b));
    wr8(KIND, u32(1), u8(0x69));
    wr8(KIND, u32(2), u8(0x6e));
    wr8(KIND, u32(3), u8(0x66));
    n = u32(4);
  } else {
    for (let i = u32(0); i < FINITE_TEXT.length; i++) {
      wr8(KIND, i, FINITE_TEXT[i]);
    }
    n = u32(6);
  }
  return textOf(view(KIND, u32(0), n));
}
