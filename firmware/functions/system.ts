// The CRT's runtime functions: runtime.SystemLib, tvm.rpc.server.ModuleGetFunction and
// tvm.rpc.server.GetCRTMaxPacketSize (spec §4.8, §4.9).

import { u32 } from '../lib/prelude.ts';
import type { Ctx } from '../rpc/ctx.ts';
import type { Args } from '../rpc/wire.ts';
import { Msg } from '../rpc/messages.ts';
import { lookupModuleFunction, FN_NONE } from '../rpc/lookup.ts';
import { TypeCode, HANDLE_SYSTEM_LIB, HANDLE_MODULE_FN } from '../rpc/codes.ts';
import { RPC_MAX_PAYLOAD } from '../rpc/config.ts';

/** runtime.SystemLib() -> module 0x8000: [0: i64 9][3: u64 0x8000]. */
export function fnSystemLib(c: Ctx, a: Args): Msg {
  const m: Msg = a.expect(u32(0));
  if (m !== Msg.Ok) {
    return m;
  }
  c.out.retHandle(u32(TypeCode.ModuleHandle), u32(HANDLE_SYSTEM_LIB));
  return Msg.Ok;
}

/** Argument i is a module handle (9, or 3 from hosts that lost the type) naming the system lib. */
export function checkModule(c: Ctx, a: Args, i: u32): Msg {
  const tc: u32 = a.code(i);
  if (tc !== TypeCode.ModuleHandle && tc !== TypeCode.OpaqueHandle) {
    return c.err.set3(Msg.WrongType, i, tc, u32(TypeCode.ModuleHandle));
  }
  if (a.hi(i) !== 0 || a.lo(i) !== HANDLE_SYSTEM_LIB) {
    return c.err.set1(Msg.UnknownModule, a.lo(i));
  }
  return Msg.Ok;
}

/** tvm.rpc.server.ModuleGetFunction(module, str name, int|bool query_imports) -> func:
 * [0: i64 10][3: u64 handle], or [0: i64 4][4] when the module has no such function. */
export function fnModuleGetFunction(c: Ctx, a: Args): Msg {
  let m: Msg = a.expect(u32(3));
  if (m === Msg.Ok) {
    m = checkModule(c, a, u32(0));
  }
  if (m === Msg.Ok) {
    m = a.want(u32(1), u32(TypeCode.Str));
  }
  if (m === Msg.Ok) {
    m = a.wantInt(u32(2));
  }
  if (m !== Msg.Ok) {
    return m;
  }
  // The system library holds urpc's device functions and the app's; TVM's runtime functions
  // are globals only (GetGlobalFunc), as on a TVM device.
  const k: u32 = lookupModuleFunction(c, a.str(u32(1)));
  if (k === FN_NONE) {
    c.out.retVoid();
  } else {
    c.handles.lookedUp(true, k);
    c.out.retHandle(u32(TypeCode.PackedFuncHandle), u32(HANDLE_MODULE_FN | k));
  }
  return Msg.Ok;
}

/** tvm.rpc.server.GetCRTMaxPacketSize() -> int: MAX - 11 = 2037. */
export function fnGetCRTMaxPacketSize(c: Ctx, a: Args): Msg {
  const m: Msg = a.expect(u32(0));
  if (m !== Msg.Ok) {
    return m;
  }
  c.out.retInt(u32(RPC_MAX_PAYLOAD), u32(0));
  return Msg.Ok;
}
