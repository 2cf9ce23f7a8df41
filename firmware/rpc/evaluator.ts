// Runs a time-evaluator handle (spec §4.11) as an async call: one warm-up call, then `repeat`
// measurements of `number` calls each, growing `number` while a measurement is shorter than
// min_repeat_ms. The reply is bytes holding repeat x f64 (seconds per call), built from integer
// ticks by f64.ts.
//
// The work is done in slices of about EVAL_SLICE_MS from the server's tick(),
// so the board keeps reading its link meanwhile: a new session (Init) or a Shutdown cancels the
// run, and other requests are refused Busy. Only the time spent inside the target's calls is
// measured (each batch of calls is timed on its own), so the pauses between slices do not count.
//
// Bounds (TVM has none and loops until the time is reached):
// - `number` (the host's, and every grown one) is capped at EVAL_MAX_NUMBER, and a repeat stops
//   growing once it has made EVAL_MAX_NUMBER calls in total or EVAL_MAX_ROUNDS measurements;
// - the whole run may use EVAL_BUDGET_MS of device time (warm-up and measured calls): a run
//   whose warm-up call predicts more (call time x number x repeat) is refused at once, and one
//   that exceeds it while running is stopped; both answer an exception saying so.

import { u32, bytes, view, mul32, divu, modu, type Bytes, type bool } from '../lib/prelude.ts';
import type { Ctx, CancelFn } from './ctx.ts';
import { Msg } from './messages.ts';
import { TypeCode, RPCCode } from './codes.ts';
import { callFunction } from './registry.ts';
import { putF64Ratio, mulHi32 } from './f64.ts';
import {
  evalFn, evalNumber, evalRepeat, evalMinMs, evalZeroLimit, EVAL_MAX_REPEAT,
} from '../functions/timeeval.ts';

export const EVAL_MAX_NUMBER = 0x100000;
export const EVAL_MAX_ROUNDS = 64;
/** Device time one evaluator run may use. */
export const EVAL_BUDGET_MS = 5000;
/** Device time per slice before the board gets its loop back. */
export const EVAL_SLICE_MS = 20;
/** Calls between two reads of the clock. */
const EVAL_BATCH = 16;

/** Where a run is (module state: one run at a time per device). */
class EvalRun {
  fn: u32 = u32(0);
  hz: u32 = u32(0);
  minTicks: u32 = u32(0);
  budgetTicks: u32 = u32(0);
  sliceTicks: u32 = u32(0);
  /** Device ticks used so far. */
  used: u32 = u32(0);
  warm: bool = false;
  r: u32 = u32(0);
  number: u32 = u32(1);
  /** The current round: calls done of `number`, its measured ticks; a round is in progress. */
  done: u32 = u32(0);
  elapsed: u32 = u32(0);
  inRound: bool = false;
  /** The current repeat: its rounds, zero-time rounds and calls. */
  rounds: u32 = u32(0);
  zeros: u32 = u32(0);
  calls: u32 = u32(0);
  readonly results: Bytes = bytes(EVAL_MAX_REPEAT * 8);
}

const run = new EvalRun();

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

/** a * b * c > limit, without overflow. */
function productOver(a: u32, b: u32, c: u32, limit: u32): bool {
  if (a === 0 || b === 0 || c === 0) {
    return false;
  }
  if (divu(limit, a) < b) {
    return true;
  }
  return divu(limit, mul32(a, b)) < c;
}

/** One call of the target (its return value is dropped). An async target is cancelled and
 * refused. */
function timedCall(c: Ctx): Msg {
  c.out.start(u32(RPCCode.Return));
  const m: Msg = callFunction(c, run.fn);
  if (m === Msg.Pending && c.pending) {
    const cancel: CancelFn = c.pendingCancel;
    c.pending = false;
    cancel(c);
    return c.err.set1(Msg.EvalTarget, run.fn);
  }
  return m;
}

/** Starts a run of the newest evaluator (the server checked its handle): Msg.Pending, after
 * which the server polls it (pollEvaluator) until it answers, or cancels it (cancelEvaluator).
 * The server calls these directly, not through Ctx.defer: a function pointer to the poll, which
 * calls device functions through HANDLERS, would look recursive to the FwTS checker (FW4001
 * assumes a pointer call reaches every address-taken function). */
export function startEvaluator(c: Ctx): Msg {
  const hz: u32 = c.plat.ticksPerSecond();
  if (hz === 0) {
    return c.err.set0(Msg.TimerZero);
  }
  run.fn = evalFn();
  run.hz = hz;
  run.minTicks = msToTicks(evalMinMs(), hz);
  run.budgetTicks = msToTicks(u32(EVAL_BUDGET_MS), hz);
  run.sliceTicks = msToTicks(u32(EVAL_SLICE_MS), hz);
  run.used = u32(0);
  run.warm = false;
  run.r = u32(0);
  // The host's number is capped like the grown one: an uncapped first round could make up to
  // 2^31 calls per repeat (found while bounding the evaluator for test/fuzz).
  run.number = evalNumber() > EVAL_MAX_NUMBER ? u32(EVAL_MAX_NUMBER) : evalNumber();
  run.inRound = false;
  run.rounds = u32(0);
  run.zeros = u32(0);
  run.calls = u32(0);
  return Msg.Pending;
}

/** Microseconds in t ticks of a hz clock (saturating). */
function ticksToUs(t: u32, hz: u32): u32 {
  const perUs: u32 = divu(hz, u32(1000000));
  if (perUs !== 0) {
    return divu(t, perUs);
  }
  const usPerTick: u32 = divu(u32(1000000), hz);
  return divu(u32(0xffffffff), usPerTick === 0 ? u32(1) : usPerTick) < t ? u32(0xffffffff) : mul32(t, usPerTick);
}

/** The run is (or would be) over its budget: an exception with the device time used. */
function overBudget(c: Ctx): Msg {
  const perMs: u32 = divu(run.hz, u32(1000));
  const ms: u32 = perMs === 0 ? divu(run.used, run.hz) : divu(run.used, perMs);
  return c.err.set2(Msg.EvalBudget, ms, u32(EVAL_BUDGET_MS));
}

/** One slice of the run: Msg.Pending until the results are in c.out. */
export function pollEvaluator(c: Ctx): Msg {
  const sliceStart: u32 = c.plat.ticks();
  const repeat: u32 = evalRepeat();
  if (!run.warm) {
    const t0: u32 = c.plat.ticks();
    const m: Msg = timedCall(c);
    if (m !== Msg.Ok) {
      return m;
    }
    const t: u32 = u32(c.plat.ticks() - t0);
    run.used = t;
    run.warm = true;
    // The warm-up call's time predicts the run's: refuse one that cannot fit the budget.
    if (run.used > run.budgetTicks) {
      return overBudget(c);
    }
    if (productOver(t, run.number, repeat, run.budgetTicks)) {
      const calls: u32 = divu(u32(0xffffffff), run.number) < repeat ? u32(0xffffffff) : mul32(run.number, repeat);
      return c.err.set3(Msg.EvalPredicted, calls, ticksToUs(t, run.hz), u32(EVAL_BUDGET_MS));
    }
  }
  while (run.r < repeat) {
    if (!run.inRound) {
      if (run.elapsed !== 0 && run.rounds !== 0) {
        run.number = growNumber(run.number, run.minTicks, run.elapsed);
      }
      run.done = u32(0);
      run.elapsed = u32(0);
      run.inRound = true;
    }
    let batch: u32 = u32(run.number - run.done);
    if (batch > EVAL_BATCH) {
      batch = u32(EVAL_BATCH);
    }
    const t0: u32 = c.plat.ticks();
    for (let j = u32(0); j < batch; j++) {
      const m: Msg = timedCall(c);
      if (m !== Msg.Ok) {
        return m;
      }
    }
    const now: u32 = c.plat.ticks();
    const dt: u32 = u32(now - t0);
    run.elapsed = u32(run.elapsed + dt);
    run.used = u32(run.used + dt);
    run.done = u32(run.done + batch);
    if (run.used > run.budgetTicks) {
      return overBudget(c);
    }
    if (run.done === run.number) {
      run.inRound = false;
      if (run.elapsed === 0) {
        run.zeros = u32(run.zeros + 1);
      }
      run.rounds = u32(run.rounds + 1);
      run.calls = u32(run.calls + run.number);
      const again: bool = run.elapsed < run.minTicks && run.zeros < evalZeroLimit() &&
        run.rounds < EVAL_MAX_ROUNDS && run.calls < EVAL_MAX_NUMBER;
      if (!again) {
        putF64Ratio(run.results, u32(run.r * 8), run.elapsed, mulHi32(run.hz, run.number), mul32(run.hz, run.number));
        run.r = u32(run.r + 1);
        run.rounds = u32(0);
        run.zeros = u32(0);
        run.calls = u32(0);
        // The next repeat starts from this number without growing it first (TVM's loop).
        run.elapsed = u32(0);
      }
    }
    if (u32(now - sliceStart) >= run.sliceTicks && run.r < repeat) {
      return Msg.Pending;
    }
  }
  c.out.start(u32(RPCCode.Return));
  c.out.retStr(u32(TypeCode.Bytes), view(run.results, u32(0), u32(repeat * 8)));
  return Msg.Ok;
}

export function cancelEvaluator(c: Ctx): void {
  run.inRound = false;
}
