// Helpers of the generated app wrappers (build/<board>/app/app_registry.ts, written by
// host/app/generate.ts): argument checks with clear kException texts, Tensor binding, returns.
// Every check answers an error Msg (the server sends kException with its text); nothing here
// panics on what a host sends.

import { u8, u32, i32, view, rd32le, type bool } from '../lib/prelude.ts';
import type { Ctx } from '../rpc/ctx.ts';
import type { Args } from '../rpc/wire.ts';
import { Msg } from '../rpc/messages.ts';
import { TypeCode } from '../rpc/codes.ts';
import { tensorDecode, tensorBind, TENSOR_HEAD_BYTES } from '../rpc/tensor.ts';
import { type Tensor, type Str, type Blob, TENSOR_MAX_DIMS, failureClear, failureSet, failureCode } from './api.ts';

/** The integer parameter types. */
export const IntKind = { U8: 0, U16: 1, U32: 2, I8: 3, I16: 4, I32: 5 } as const;
export type IntKind = (typeof IntKind)[keyof typeof IntKind];

/** Argument i is an int (type code 0) that fits `kind`. Read it with a.lo(i) and wrap. */
export function argInt(c: Ctx, a: Args, i: u32, kind: IntKind): Msg {
  const tc: u32 = a.code(i);
  if (tc !== TypeCode.Int) {
    return c.err.set2(Msg.AppWantInt, i, tc);
  }
  const lo: u32 = a.lo(i);
  const hi: u32 = a.hi(i);
  let max: u32 = u32(0xffffffff);
  let min: u32 = u32(0);
  if (kind === IntKind.U8) {
    max = u32(0xff);
  } else if (kind === IntKind.U16) {
    max = u32(0xffff);
  } else if (kind === IntKind.I8) {
    min = u32(0xffffff80);
    max = u32(0x7f);
  } else if (kind === IntKind.I16) {
    min = u32(0xffff8000);
    max = u32(0x7fff);
  } else if (kind === IntKind.I32) {
    min = u32(0x80000000);
    max = u32(0x7fffffff);
  }
  let ok: bool = false;
  if (hi === 0) {
    ok = lo <= max;
  } else if (hi === 0xffffffff && min !== 0) {
    ok = lo >= min;
  }
  if (!ok) {
    return c.err.set3(Msg.AppIntRange, i, min, max);
  }
  return Msg.Ok;
}

/** Argument i is a bool (type code 15) or the int 0 or 1. Read it with a.lo(i) !== 0. */
export function argBool(c: Ctx, a: Args, i: u32): Msg {
  const tc: u32 = a.code(i);
  if (tc !== TypeCode.Bool && tc !== TypeCode.Int) {
    return c.err.set2(Msg.AppWantBool, i, tc);
  }
  if (a.hi(i) !== 0 || a.lo(i) > 1) {
    return c.err.set3(Msg.AppIntRange, i, u32(0), u32(1));
  }
  return Msg.Ok;
}

/** Argument i is a DLTensor naming memory this device allocated, lying inside that allocation,
 * with at most TENSOR_MAX_DIMS dimensions; binds t to exactly its bytes. */
export function argTensor(c: Ctx, a: Args, i: u32, t: Tensor): Msg {
  const tc: u32 = a.code(i);
  if (tc !== TypeCode.DLTensor) {
    return c.err.set2(Msg.AppWantTensor, i, tc);
  }
  const r = c.t0;
  const at: u32 = a.at(i);
  const m: Msg = tensorDecode(r, a.pkt, at, i, c.err);
  if (m !== Msg.Ok) {
    return m;
  }
  if (r.ndim > TENSOR_MAX_DIMS) {
    return c.err.set3(Msg.AppTensorDims, i, r.ndim, u32(TENSOR_MAX_DIMS));
  }
  if (r.handleHi !== 0 || r.handle === 0 || !c.mem.live(r.handle)) {
    return c.err.set2(Msg.AppTensorHandle, i, r.handle);
  }
  const b: Msg = tensorBind(r, c.mem, r.nbytes, c.err);
  if (b !== Msg.Ok) {
    return b;
  }
  t.bind(view(c.mem.data(r.handle), r.offset, u32(r.offset + r.nbytes)), r.count, r.dcode, r.bits, r.lanes);
  for (let k = u32(0); k < r.ndim; k++) {
    t.pushDim(rd32le(a.pkt, u32(at + TENSOR_HEAD_BYTES + k * 8)));
  }
  return Msg.Ok;
}

/** Argument i is a str (type code 11); binds s to its bytes (a view of the request). */
export function argStr(c: Ctx, a: Args, i: u32, s: Str): Msg {
  const tc: u32 = a.code(i);
  if (tc !== TypeCode.Str) {
    return c.err.set2(Msg.AppWantStr, i, tc);
  }
  s.bind(a.str(i));
  return Msg.Ok;
}

/** Argument i is bytes (type code 12); binds b to them (a view of the request). */
export function argBlob(c: Ctx, a: Args, i: u32, b: Blob): Msg {
  const tc: u32 = a.code(i);
  if (tc !== TypeCode.Bytes) {
    return c.err.set2(Msg.AppWantBytes, i, tc);
  }
  b.bind(a.str(i));
  return Msg.Ok;
}

/** Before the user's function runs. */
export function callBegin(): void {
  failureClear();
}

/** After the user's function: true (and the exception text set) if it called fail(). */
export function failed(c: Ctx): bool {
  if (failureSet()) {
    c.err.set1(Msg.AppFailed, failureCode());
    return true;
  }
  return false;
}

export function retVoid(c: Ctx): Msg {
  if (failed(c)) {
    return Msg.AppFailed;
  }
  c.out.retVoid();
  return Msg.Ok;
}

/** Any signed width, sign-extended to the i64 return value. */
export function retSigned(c: Ctx, v: i32): Msg {
  if (failed(c)) {
    return Msg.AppFailed;
  }
  c.out.retInt(u32(v), v < 0 ? u32(0xffffffff) : u32(0));
  return Msg.Ok;
}

export function retUnsigned(c: Ctx, v: u32): Msg {
  if (failed(c)) {
    return Msg.AppFailed;
  }
  c.out.retInt(v, u32(0));
  return Msg.Ok;
}

/** A bool return value: type code 15 (TVM v0.18's kTVMArgBool), which the host reads as a boolean. */
export function retBool(c: Ctx, v: bool): Msg {
  if (failed(c)) {
    return Msg.AppFailed;
  }
  c.out.retBool(v);
  return Msg.Ok;
}

/** A str result (type code 11). */
export function retStr(c: Ctx, v: Str): Msg {
  if (failed(c)) {
    return Msg.AppFailed;
  }
  const w = c.out;
  w.beginStr(u32(TypeCode.Str));
  const n: u32 = v.length();
  for (let i = u32(0); i < n; i++) {
    w.put8(v.at(i));
  }
  w.endStr();
  return Msg.Ok;
}

/** A bytes result (type code 12). */
export function retBlob(c: Ctx, v: Blob): Msg {
  if (failed(c)) {
    return Msg.AppFailed;
  }
  const w = c.out;
  w.beginStr(u32(TypeCode.Bytes));
  const n: u32 = v.length();
  for (let i = u32(0); i < n; i++) {
    w.put8(v.at(i));
  }
  w.endStr();
  return Msg.Ok;
}

/** Unused-import guard for generated code that has no u8 parameter. */
export function asU8(v: u32): u8 {
  return u8(v);
}

/** i32 of the low word (generated code for i8/i16/i32 parameters). */
export function asI32(v: u32): i32 {
  return i32(v);
}
