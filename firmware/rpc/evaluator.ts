// Runs a time-evaluator handle (spec §4.11): one warm-up call, then `repeat` measurements of
// `number` calls each, growing `number` while a measurement is shorter than min_repeat_ms. The
// reply is bytes holding repeat x f64 (seconds per call), built from integer ticks by f64.ts.
//
// Termination is guaranteed even with a broken or very slow timer: `number` (the host's, and
// every grown one) is capped at EVAL_MAX_NUMBER, and a repeat stops growing once it has made EVAL_MAX_NUMBER calls in total or
// EVAL_MAX_ROUNDS measurements (TVM loops until the time is reached), so one repeat makes at most
// 2 * EVAL_MAX_NUMBER calls.
//
// The target's own return values are written after the results (Writer.base) and dropped.

import { u32, mul32, divu, modu } from '../lib/prelude.ts';
import type { Ctx, CancelFn } from './ctx.ts';
import { Msg } from './messages.ts';
import { TypeCode } from './codes.ts';
import { callFunction } from './registry.ts';
import { putF64Ratio, mulHi32 } from './f64.ts';

export const EVAL_MAX_NUMBER = 0x100000;

/** One call of the target; an async target (it deferred) is cancelled and refused. */
function timedCall(c: Ctx, fn: u32): Msg {
  const m: Msg = callFunction(c, fn);
  if (m === Msg.Pending && c.pending) {
    const cancel: CancelFn = c.pendingCancel;
    c.pending = false;
    cancel(c);
    return c.err.set1(Msg.EvalTarget, fn);
  }
  return m;
}
export const EVAL_MAX_ROUNDS = 64;

/** Timer ticks in ms milliseconds, saturating at 2^32 - 1. */
export function msToTicks(ms: u32, hz: u32): u32 {
  const perMs: u32 = divu(hz, u32(1000));
  if (perMs !== 0) {
    if (ms > divu(u32(0xffffffff), perMs)) {
      return u32(0xffffffff);
    }
    const frac: u32 = modu(hz, u32(1000));
    return u32(mul32(ms, perMs) + divu(mul32(modu(ms, u32(1000)), frac), u32(1000)) + mul32(divu(ms, u32(1000)), frac));
  }
  return divu(mul32(ms, hz), u32(1000));
}

/** TVM: number = max(min_repeat / (elapsed / number) + 1, 1.618 * number), here with integer
 * arithmetic (floor(min / elapsed) * number + 1 and 1.625 * number), capped. */
export function growNumber(number: u32, minTicks: u32, elapsed: u32): u32 {
  const q: u32 = divu(minTicks, elapsed);
  let a: u32 = u32(EVAL_MAX_NUMBER);
  if (q < divu(u32(EVAL_MAX_NUMBER), number)) {
    a = u32(mul32(number, q) + 1);
  }
  const b: u32 = u32(number + (number >>> 1) + (number >>> 3));
  let n: u32 = a > b ? a : b;
  if (n > EVAL_MAX_NUMBER) {
    n = u32(EVAL_MAX_NUMBER);
  }
  return n;
}

export function runEvaluator(c: Ctx): Msg {
  const hz: u32 = c.plat.ticksPerSecond();
  if (hz === 0) {
    return c.err.set0(Msg.TimerZero);
  }
  const w = c.out;
  const repeat: u32 = c.evalRepeat;
  const fn: u32 = c.evalFn;
  w.put32(u32(2));
  w.put32(u32(TypeCode.Int));
  w.put32(u32(TypeCode.Bytes));
  w.put64(u32(TypeCode.Bytes), u32(0));
  w.put64(u32(repeat * 8), u32(0));
  const results: u32 = w.reserve(u32(repeat * 8));
  if (w.over) {
    return Msg.Ok;
  }
  const end: u32 = w.pos;
  w.base = end;
  w.rewind();
  let m: Msg = timedCall(c, fn);
  if (m !== Msg.Ok) {
    return m;
  }
  const minTicks: u32 = msToTicks(c.evalMinMs, hz);
  // The host's number is capped like the grown one: an uncapped first round could make up to
  // 2^31 calls per repeat (found while bounding the evaluator for test/fuzz).
  let number: u32 = c.evalNumber;
  if (number > EVAL_MAX_NUMBER) {
    number = u32(EVAL_MAX_NUMBER);
  }
  for (let r = u32(0); r < repeat; r++) {
    let elapsed: u32 = u32(0);
    let zeros: u32 = u32(0);
    let rounds: u32 = u32(0);
    let calls: u32 = u32(0);
    let again: boolean = true;
    while (again) {
      if (elapsed !== 0) {
        number = growNumber(number, minTicks, elapsed);
      }
      const start: u32 = c.plat.ticks();
      for (let j = u32(0); j < number; j++) {
        w.rewind();
        m = timedCall(c, fn);
        if (m !== Msg.Ok) {
          return m;
        }
      }
      elapsed = u32(c.plat.ticks() - start);
      if (elapsed === 0) {
        zeros = u32(zeros + 1);
      }
      rounds = u32(rounds + 1);
      calls = u32(calls + number);
      again = elapsed < minTicks && zeros < c.evalZeroLimit && rounds < EVAL_MAX_ROUNDS && calls < EVAL_MAX_NUMBER;
    }
    putF64Ratio(w.buf, u32(results + r * 8), elapsed, mulHi32(hz, number), mul32(hz, number));
  }
  w.base = u32(0);
  w.pos = end;
  w.over = false;
  return Msg.Ok;
}
