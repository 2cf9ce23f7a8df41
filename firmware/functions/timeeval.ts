// runtime.RPCTimeEvaluator (spec §4.11): validates the arguments and records the settings in the
// context; it returns a fresh function handle (0xFFFF8000 | serial). Calling that handle runs the
// measurement loop in the server (rpc/evaluator.ts), which owns the registry.
//
// Argument forms by count (type codes checked exactly):
//   10 (v0.9):      9 mod, 11 name, 0 dev_type, 0 dev_id, 0 number, 0 repeat, 0 min_repeat_ms,
//                   0 cooldown_interval_ms, 0 repeats_to_cooldown, 11 f_preproc
//   11 (v0.10-13):  ... 0 min_repeat_ms, 0 limit_zero_time_iterations, 0 cooldown, 0 repeats_to_cooldown, 11 f_preproc
//   12 (v0.14+):    ... 0 repeats_to_cooldown, 0 cache_flush_bytes, 11 f_preproc
// f_preproc, cache_flush_bytes, dev_type/dev_id and the cooldown settings are ignored (the device
// never sleeps between repeats, like the CRT on bare metal).

import { u32, divu } from '../lib/prelude.ts';
import type { Ctx } from '../rpc/ctx.ts';
import type { Args } from '../rpc/wire.ts';
import { Msg } from '../rpc/messages.ts';
import { Fn } from '../rpc/names.ts';
import { lookupFunction, FN_NONE } from '../rpc/lookup.ts';
import { TypeCode, HANDLE_TIME_EVAL, HANDLE_INDEX_MASK } from '../rpc/codes.ts';
import { RPC_PACKET_LIMIT } from '../rpc/config.ts';
import { checkModule } from './system.ts';

/** limit_zero_time_iterations for the 10-argument form (TVM's default). */
export const EVAL_DEFAULT_ZERO_LIMIT = 100;
/** Reply bytes before the results: length 8, code 4, count 4, codes 8, slot 0 8, u64 length 8. */
export const EVAL_REPLY_OVERHEAD = 40;

export function fnTimeEvaluator(c: Ctx, a: Args): Msg {
  const n: u32 = a.n;
  if (n < 10 || n > 12) {
    return c.err.set1(Msg.ArgCountEval, n);
  }
  let m: Msg = checkModule(c, a, u32(0));
  if (m === Msg.Ok) {
    m = a.want(u32(1), u32(TypeCode.Str));
  }
  const last: u32 = u32(n - 1);
  for (let i = u32(2); i < last; i++) {
    if (m === Msg.Ok) {
      m = a.want(i, u32(TypeCode.Int));
    }
  }
  if (m === Msg.Ok) {
    m = a.want(last, u32(TypeCode.Str));
  }
  if (m !== Msg.Ok) {
    return m;
  }
  // number (4), repeat (5), min_repeat_ms (6) and limit_zero_time_iterations (7 when n >= 11).
  for (let i = u32(4); i < 8; i++) {
    if ((i < 7 || n >= 11) && !a.smallInt(i)) {
      return c.err.set1(Msg.ValueRange, i);
    }
  }
  const number: u32 = a.lo(u32(4));
  const repeat: u32 = a.lo(u32(5));
  if (number === 0 || repeat === 0) {
    return c.err.set0(Msg.EvalCounts);
  }
  const maxRepeat: u32 = divu(u32(RPC_PACKET_LIMIT - EVAL_REPLY_OVERHEAD), u32(8));
  if (repeat > maxRepeat) {
    return c.err.set2(Msg.EvalRepeat, repeat, maxRepeat);
  }
  const k: u32 = lookupFunction(c, a.str(u32(1)));
  if (k === FN_NONE) {
    return c.err.set0(Msg.FnNotFound);
  }
  if (k === Fn.TimeEvaluator || k === Fn.Sleep) {
    return c.err.set1(Msg.EvalTarget, k);
  }
  c.evalFn = k;
  c.evalNumber = number;
  c.evalRepeat = repeat;
  c.evalMinMs = a.lo(u32(6));
  c.evalZeroLimit = n >= 11 ? a.lo(u32(7)) : u32(EVAL_DEFAULT_ZERO_LIMIT);
  c.evalSerial = u32(u32(c.evalSerial + 1) & HANDLE_INDEX_MASK);
  c.evalLive = true;
  c.out.retHandle(u32(TypeCode.PackedFuncHandle), u32(HANDLE_TIME_EVAL | c.evalSerial));
  return Msg.Ok;
}
