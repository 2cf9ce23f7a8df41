// urpc.info() -> str: "key=value" lines describing the device, then one "fn=<name> <signature>"
// line per registered function. Parsed by host/client (RpcClient.info()).

import { u8, u32, view } from '../lib/prelude.ts';
import type { Ctx } from '../rpc/ctx.ts';
import type { Args } from '../rpc/wire.ts';
import { Msg, Text } from '../rpc/messages.ts';
import { FN_COUNT } from '../rpc/names.ts';
import { putFunctionName, putFunctionSig } from '../rpc/lookup.ts';
import { TypeCode } from '../rpc/codes.ts';
import { RPC_MAX_PACKET } from '../rpc/config.ts';

export function fnInfo(c: Ctx, a: Args): Msg {
  const m: Msg = a.expect(u32(0));
  if (m !== Msg.Ok) {
    return m;
  }
  const w = c.out;
  w.beginStr(u32(TypeCode.Str));
  c.err.clear();
  w.putText(Text.InfoHead, c.err);
  let len: u32 = c.plat.boardName(c.name);
  if (len > c.name.length) {
    len = c.name.length;
  }
  w.putBytes(view(c.name, u32(0), len));
  // The three values of the max_packet / mem_total / mem_free line (Msg.Ok: not an error).
  c.err.set3(Msg.Ok, u32(RPC_MAX_PACKET), c.mem.capacity(), c.mem.available());
  w.putText(Text.InfoLimits, c.err);
  c.err.clear();
  for (let k = u32(0); k < FN_COUNT; k++) {
    w.putText(Text.InfoFn, c.err);
    putFunctionName(w, k);
    w.put8(u8(0x20));
    putFunctionSig(w, k);
    w.put8(u8(0x0a));
  }
  for (let k = u32(0); k < c.app.count(); k++) {
    w.putText(Text.InfoFn, c.err);
    c.app.putName(w, k);
    w.put8(u8(0x20));
    c.app.putSig(w, k);
    w.put8(u8(0x0a));
  }
  w.endStr();
  return Msg.Ok;
}
