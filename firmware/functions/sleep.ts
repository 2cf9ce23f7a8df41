// urpc.sleep(int ms) -> void: answers after `ms` milliseconds of the platform clock, without
// blocking the device. The example of an async device function (ctx.ts defer()): the handler
// records the request and defers; pollSleep runs from the board's main loop (deviceTick) and
// completes the call once the time has passed. Elapsed time is counted in whole milliseconds from
// tick differences, so the tick counter may wrap (it must be polled at least once per wrap).
//
// Its state lives here, not in the Ctx: one sleep is pending at a time per device (the server
// runs one async call at a time). In Node, servers in one process share it.

import { u32, divu, mul32 } from '../lib/prelude.ts';
import type { Ctx } from '../rpc/ctx.ts';
import type { Args } from '../rpc/wire.ts';
import { Msg } from '../rpc/messages.ts';

/** The longest sleep: 10 minutes. */
export const SLEEP_MAX_MS = 600000;

class SleepState {
  /** Requested ms, whole ms elapsed, leftover ticks, last tick seen. */
  ms: u32 = u32(0);
  elapsed: u32 = u32(0);
  ticks: u32 = u32(0);
  last: u32 = u32(0);
}

const sleep = new SleepState();

export function fnSleep(c: Ctx, a: Args): Msg {
  let m: Msg = a.expect(u32(1));
  if (m === Msg.Ok) {
    m = a.wantInt(u32(0));
  }
  if (m !== Msg.Ok) {
    return m;
  }
  if (!a.smallInt(u32(0)) || a.lo(u32(0)) > SLEEP_MAX_MS) {
    return c.err.set2(Msg.SleepLimit, a.smallInt(u32(0)) ? a.lo(u32(0)) : u32(0xffffffff), u32(SLEEP_MAX_MS));
  }
  if (c.plat.ticksPerSecond() < 1000) {
    return c.err.set0(Msg.TimerZero);
  }
  sleep.ms = a.lo(u32(0));
  sleep.elapsed = u32(0);
  sleep.ticks = u32(0);
  sleep.last = c.plat.ticks();
  return c.defer(pollSleep, cancelSleep);
}

function pollSleep(c: Ctx): Msg {
  const now: u32 = c.plat.ticks();
  const perMs: u32 = divu(c.plat.ticksPerSecond(), u32(1000));
  // Leftover ticks stay below perMs, so the sum fits 32 bits while polls come once per wrap.
  const ticks: u32 = u32(sleep.ticks + u32(now - sleep.last));
  sleep.last = now;
  const whole: u32 = divu(ticks, perMs);
  sleep.ticks = u32(ticks - mul32(whole, perMs));
  sleep.elapsed = u32(sleep.elapsed + whole);
  if (sleep.elapsed < sleep.ms) {
    return Msg.Pending;
  }
  c.out.retVoid();
  return Msg.Ok;
}

function cancelSleep(c: Ctx): void {
  sleep.ms = u32(0);
}
