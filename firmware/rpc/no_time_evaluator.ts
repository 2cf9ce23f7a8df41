// The server's time-evaluator hooks for a firmware built without runtime.RPCTimeEvaluator: a board
// build that leaves it out lowers the firmware with this module in place of both
// functions/timeeval.ts and rpc/evaluator.ts (host/board/builtins.ts), so neither they nor
// f64.ts are linked. No evaluator handle is ever handed out, so none is live: calling one answers
// StaleEvaluator and freeing one does nothing, as for a handle freed already.

import { u32, type bool } from '../lib/prelude.ts';
import type { Ctx } from './ctx.ts';
import { Msg } from './messages.ts';

/** Never: no evaluator handle exists. */
export function evalHandleLive(index: u32): bool {
  return false;
}

export function evalFree(index: u32): void {
  return;
}

export function evalReset(): void {
  return;
}

export function evalInit(): void {
  return;
}

/** Unreachable (no handle is live); answers as for a stale one. */
export function startEvaluator(c: Ctx): Msg {
  return c.err.set1(Msg.StaleEvaluator, u32(0));
}

export function pollEvaluator(c: Ctx): Msg {
  return c.err.set1(Msg.StaleEvaluator, u32(0));
}

export function cancelEvaluator(c: Ctx): void {
  return;
}
