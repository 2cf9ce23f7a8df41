// urpc.log(int...) -> void: sends a device log line "urpc.log v0 v1 ..." (at most 4 values, each
// an int, shown as signed 32-bit) through the platform's log, which boards send to the host as a
// session Log message. It lets a host check the log path end to end.

import { u32, i32, log } from '../lib/prelude.ts';
import type { Ctx } from '../rpc/ctx.ts';
import type { Args } from '../rpc/wire.ts';
import { Msg } from '../rpc/messages.ts';

/** Values one log line carries (the prelude's log() limit). */
const LOG_MAX_VALUES = 4;

export function fnLog(c: Ctx, a: Args): Msg {
  const n: u32 = a.n;
  if (n > LOG_MAX_VALUES) {
    return c.err.set2(Msg.TooManyArgs, n, u32(LOG_MAX_VALUES));
  }
  for (let i = u32(0); i < n; i++) {
    const m: Msg = a.wantInt(i);
    if (m !== Msg.Ok) {
      return m;
    }
  }
  const v0: i32 = n > 0 ? i32(a.lo(u32(0))) : i32(0);
  const v1: i32 = n > 1 ? i32(a.lo(u32(1))) : i32(0);
  const v2: i32 = n > 2 ? i32(a.lo(u32(2))) : i32(0);
  const v3: i32 = n > 3 ? i32(a.lo(u32(3))) : i32(0);
  switch (n) {
    case 0:
      log('urpc.log');
      break;
    case 1:
      log('urpc.log', v0);
      break;
    case 2:
      log('urpc.log', v0, v1);
      break;
    case 3:
      log('urpc.log', v0, v1, v2);
      break;
    default:
      log('urpc.log', v0, v1, v2, v3);
      break;
  }
  c.out.retVoid();
  return Msg.Ok;
}
