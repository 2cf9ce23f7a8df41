// urpc.echo(any...) -> its arguments. Slot 0 is the first argument's type code (TVM's 2-slot
// convention, so a TVM host sees the first argument as the return value); slots 1..n are the
// arguments as received, with module/function/object handles (9, 10, 8) sent back as 3 because
// the device never sends those codes. With no arguments it returns void.

import { u32, view } from '../lib/prelude.ts';
import type { Ctx } from '../rpc/ctx.ts';
import type { Args } from '../rpc/wire.ts';
import { Msg } from '../rpc/messages.ts';
import { TypeCode } from '../rpc/codes.ts';

function replyCode(tc: u32): u32 {
  if (tc === TypeCode.ModuleHandle || tc === TypeCode.PackedFuncHandle || tc === TypeCode.ObjectHandle) {
    return u32(TypeCode.OpaqueHandle);
  }
  return tc;
}

export function fnEcho(c: Ctx, a: Args): Msg {
  const w = c.out;
  const n: u32 = a.n;
  if (n === 0) {
    w.retVoid();
    return Msg.Ok;
  }
  w.put32(u32(n + 1));
  w.put32(u32(TypeCode.Int));
  for (let i = u32(0); i < n; i++) {
    w.put32(replyCode(a.code(i)));
  }
  const first: u32 = a.code(u32(0));
  w.put64(first === TypeCode.ObjectHandle ? u32(TypeCode.OpaqueHandle) : first, u32(0));
  for (let i = u32(0); i < n; i++) {
    if (a.code(i) === TypeCode.ObjectHandle) {
      const v = a.raw(i);
      w.putBytes(view(v, u32(4), v.length));
    } else {
      w.putBytes(a.raw(i));
    }
  }
  return Msg.Ok;
}
