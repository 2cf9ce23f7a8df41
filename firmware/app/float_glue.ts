// f32 / f64 parameters and results of the generated app wrappers (host/app/generate.ts imports
// this module only into apps with a float parameter or result: an app without floats links none
// of it). TVM hosts send every float as a binary64 with type code 2 (kDLFloat); a JavaScript
// host sends integral numbers as type code 0 (int), so both are accepted. See
// docs/device-functions.md.

import { u32, i32, f32, f64, abs, absf, f64hi, f64lo, f64frombits, F64_INFINITY, F32_INFINITY, type bool } from '../lib/prelude.ts';
import type { Ctx } from '../rpc/ctx.ts';
import type { Args } from '../rpc/wire.ts';
import { Msg } from '../rpc/messages.ts';
import { TypeCode } from '../rpc/codes.ts';
import { failed } from './glue.ts';

/** Argument i is a number: a float (type code 2) or an integer (type code 0). For an f32
 * parameter (`narrow`), a finite value must not round to infinity in f32 (NaN and the
 * infinities pass; other values are rounded to the nearest f32, ties to even). Read it with
 * floatArg(a, i). */
export function argFloat(c: Ctx, a: Args, i: u32, narrow: bool): Msg {
  const tc: u32 = a.code(i);
  if (tc !== TypeCode.Float && tc !== TypeCode.Int) {
    return c.err.set2(Msg.AppWantFloat, i, tc);
  }
  if (narrow) {
    const v: f64 = floatArg(a, i);
    if (v === v && abs(v) !== F64_INFINITY && absf(f32(v)) === F32_INFINITY) {
      return c.err.set1(Msg.AppF32Range, i);
    }
  }
  return Msg.Ok;
}

/** 2^32: the weight of the high word of an int64. */
const TWO_POW_32: f64 = f64frombits(u32(0x41f00000), u32(0));

/** The value of argument i (checked by argFloat): a float as sent, an integer (int64 as two
 * words) converted to the nearest f64 (exact up to 2^53). */
export function floatArg(a: Args, i: u32): f64 {
  if (a.code(i) === TypeCode.Int) {
    // hi * 2^32 is exact; the one addition rounds once.
    return f64(f64(f64(i32(a.hi(i))) * TWO_POW_32) + f64(a.lo(i)));
  }
  return f64frombits(a.hi(i), a.lo(i));
}

/** An f64 result: type code 2 (a NaN is sent as the canonical quiet NaN). */
export function retF64(c: Ctx, v: f64): Msg {
  if (failed(c)) {
    return Msg.AppFailed;
  }
  c.out.retFloat(f64lo(v), f64hi(v));
  return Msg.Ok;
}

/** An f32 result: sent as the f64 of the same value (exact), type code 2. */
export function retF32(c: Ctx, v: f32): Msg {
  return retF64(c, f64(v));
}
