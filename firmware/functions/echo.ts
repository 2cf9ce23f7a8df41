// urpc.echo(x) -> x: returns its one argument in the shape a TVM host reads (spec §4.7), so an
// unmodified TVM host can call it:
//   int, uint, float, dtype, device, bool   [0: i64 code][code: the 8 bytes as received]
//   str, bytes                              [0: i64 code][code: u64 length + bytes]
//   null                                    [0: i64 4][4]            (the host sees None)
//   opaque / module / function / object     [0: i64 3][3: u64 handle] (a plain handle: the echo
//                                           hands out no module or function the host would own)
//   DLTensor                                [0: i64 13][7: the record as received][3: u64 0]
//                                           (an NDArray viewing the caller's memory; its handle 0
//                                           owns nothing, so FreeHandle(0, 13) does nothing)
// With no argument it returns void. A TVM function returns one value, so more than one argument
// is refused with an exception (the urpc host echoes several values with one call each).

import { u32, view } from '../lib/prelude.ts';
import type { Ctx } from '../rpc/ctx.ts';
import type { Args } from '../rpc/wire.ts';
import { Msg } from '../rpc/messages.ts';
import { TypeCode } from '../rpc/codes.ts';

export function fnEcho(c: Ctx, a: Args): Msg {
  const w = c.out;
  if (a.n === 0) {
    w.retVoid();
    return Msg.Ok;
  }
  if (a.n > 1) {
    return c.err.set1(Msg.EchoArgs, a.n);
  }
  const tc: u32 = a.code(u32(0));
  const v = a.raw(u32(0));
  switch (tc) {
    case TypeCode.Null:
      w.retVoid();
      break;
    case TypeCode.Str:
    case TypeCode.Bytes:
      w.retStr(tc, a.str(u32(0)));
      break;
    case TypeCode.DLTensor:
      w.retTensor(v, u32(0));
      break;
    case TypeCode.ModuleHandle:
    case TypeCode.PackedFuncHandle:
      w.retValue8(u32(TypeCode.OpaqueHandle), v);
      break;
    case TypeCode.ObjectHandle:
      // u32 type index (checked by Args.parse), then the u64 handle.
      w.retValue8(u32(TypeCode.OpaqueHandle), view(v, u32(4), v.length));
      break;
    default:
      // The remaining codes Args.parse accepts all hold 8 bytes: 0, 1, 2, 3, 5, 6, 15.
      w.retValue8(tc, v);
      break;
  }
  return Msg.Ok;
}
