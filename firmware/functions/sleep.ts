// urpc.sleep(int ms) -> void: answers after `ms` milliseconds of the platform clock, without
// blocking the device. The example of an async device function (ctx.ts defer()): the handler
// records the request and defers; pollSleep runs from the board's main loop (deviceTick) and
// completes the call once the time has passed. Elapsed time is counted in whole milliseconds from
// tick differences, so the tick counter may wrap (it must be polled at least once per wrap).

import { u32, divu, mul32 } from '../lib/prelude.ts';
import type { Ctx } from '../rpc/ctx.ts';
import type { Args } from '../rpc/wire.ts';
import { Msg } from '../rpc/messages.ts';

/** The longest sleep: 10 minutes. */
export const SLEEP_MAX_MS = 600000;

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
  c.sleepMs = a.lo(u32(0));
  c.sleepElapsed = u32(0);
  c.sleepTicks = u32(0);
  c.sleepLast = c.plat.ticks();
  return c.defer(pollSleep, cancelSleep);
}

function pollSleep(c: Ctx): Msg {
  const now: u32 = c.plat.ticks();
  const perMs: u32 = divu(c.plat.ticksPerSecond(), u32(1000));
  // Leftover ticks stay below perMs, so the sum fits 32 bits while polls come once per wrap.
  const ticks: u32 = u32(c.sleepTicks + u32(now - c.sleepLast));
  c.sleepLast = now;
  const whole: u32 = divu(ticks, perMs);
  c.sleepTicks = u32(ticks - mul32(whole, perMs));
  c.sleepElapsed = u32(c.sleepElapsed + whole);
  if (c.sleepElapsed < c.sleepMs) {
    return Msg.Pending;
  }
  c.out.retVoid();
  return Msg.Ok;
}

function cancelSleep(c: Ctx): void {
  c.sleepMs = u32(0);
}
