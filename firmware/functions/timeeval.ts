// runtime.RPCTimeEvaluator (spec §4.11): validates the arguments and records the settings here;
// it returns a fresh function handle (0xFFFF8000 | serial). Calling that handle runs the
// measurement (rpc/evaluator.ts, which owns the registry) as an async call.
//
// Like TVM's, the evaluator looks the function up inside the module it is given (the system
// library: urpc's device functions and the app's), never among the globals: TVM's runtime
// functions (runtime.SystemLib, tvm.contrib.random.random_fill, ...) cannot be timed.
//
// Argument forms by count (type codes checked exactly):
//   10 (v0.9):      9 mod, 11 name, 0 dev_type, 0 dev_id, 0 number, 0 repeat, 0 min_repeat_ms,
//                   0 cooldown_interval_ms, 0 repeats_to_cooldown, 11 f_preproc
//   11 (v0.10-13):  ... 0 min_repeat_ms, 0 limit_zero_time_iterations, 0 cooldown, 0 repeats_to_cooldown, 11 f_preproc
//   12 (v0.14+):    ... 0 repeats_to_cooldown, 0 cache_flush_bytes, 11 f_preproc
// f_preproc, cache_flush_bytes, dev_type/dev_id and the cooldown settings are ignored (the device
// never sleeps between repeats, like the CRT on bare metal).
//
// The settings live in this module (one evaluator per device; only the newest handle is valid).
// In Node, servers in one process share them.

import { u32, divu, type bool } from '../lib/prelude.ts';
import type { Ctx } from '../rpc/ctx.ts';
import type { Args } from '../rpc/wire.ts';
import { Msg } from '../rpc/messages.ts';
import { FN_COUNT, FN_ASYNC_MASK } from '../rpc/names.ts';
import { lookupModuleFunction, FN_NONE } from '../rpc/lookup.ts';
import { TypeCode, HANDLE_TIME_EVAL, HANDLE_INDEX_MASK } from '../rpc/codes.ts';
import { RPC_PACKET_LIMIT } from '../rpc/config.ts';
import { checkModule } from './system.ts';

/** limit_zero_time_iterations for the 10-argument form (TVM's default). */
export const EVAL_DEFAULT_ZERO_LIMIT = 100;
/** Reply bytes before the results: length 8, code 4, count 4, codes 8, slot 0 8, u64 length 8. */
export const EVAL_REPLY_OVERHEAD = 40;
/** Most repeats: their f64 results fill one reply. */
export const EVAL_MAX_REPEAT = 250;

class EvalSettings {
  live: bool = false;
  serial: u32 = u32(0);
  fn: u32 = u32(0);
  number: u32 = u32(1);
  repeat: u32 = u32(1);
  minMs: u32 = u32(0);
  zeroLimit: u32 = u32(0);
}

const settings = new EvalSettings();

/** The evaluator handle with index bits `index` is the newest one and not freed. */
export function evalHandleLive(index: u32): bool {
  return settings.live && index === settings.serial;
}

/** FreeHandle of evaluator handle `index`: the newest one stops being callable (older ones
 * already are not). */
export function evalFree(index: u32): void {
  if (index === settings.serial) {
    settings.live = false;
  }
}

/** A new session: no evaluator handle is valid. */
export function evalReset(): void {
  settings.live = false;
}

/** A new server (boot): serial numbers start again from 1. In Node, where several servers may
 * share this module, the newest server takes the evaluator over. */
export function evalInit(): void {
  settings.live = false;
  settings.serial = u32(0);
}

export function evalFn(): u32 {
  return settings.fn;
}
export function evalNumber(): u32 {
  return settings.number;
}
export function evalRepeat(): u32 {
  return settings.repeat;
}
export function evalMinMs(): u32 {
  return settings.minMs;
}
export function evalZeroLimit(): u32 {
  return settings.zeroLimit;
}

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
  if (repeat > maxRepeat || repeat > EVAL_MAX_REPEAT) {
    return c.err.set2(Msg.EvalRepeat, repeat, maxRepeat < EVAL_MAX_REPEAT ? maxRepeat : u32(EVAL_MAX_REPEAT));
  }
  const k: u32 = lookupModuleFunction(c, a.str(u32(1)));
  if (k === FN_NONE) {
    return c.err.set0(Msg.EvalNotInModule);
  }
  // An async built-in (urpc.sleep) answers later: it cannot be timed.
  if (k < FN_COUNT && u32(u32(FN_ASYNC_MASK >>> k) & 1) !== 0) {
    return c.err.set1(Msg.EvalTarget, k);
  }
  settings.fn = k;
  settings.number = number;
  settings.repeat = repeat;
  settings.minMs = a.lo(u32(6));
  settings.zeroLimit = n >= 11 ? a.lo(u32(7)) : u32(EVAL_DEFAULT_ZERO_LIMIT);
  settings.serial = u32(u32(settings.serial + 1) & HANDLE_INDEX_MASK);
  settings.live = true;
  c.out.retHandle(u32(TypeCode.PackedFuncHandle), u32(HANDLE_TIME_EVAL | settings.serial));
  return Msg.Ok;
}
