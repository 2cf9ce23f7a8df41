// Tensor functions over allocated device memory: tvm.contrib.random.random_fill, urpc.add and
// urpc.sum. Tensors arrive as DLTensor records (type code 7) whose data field is a Memory handle;
// every access is bounds-checked by tensorBind first. urpc.add / urpc.sum take integer dtypes
// (int/uint of 8, 16 or 32 bits, one lane) and wrap like C unsigned arithmetic.

import { u8, u16, u32, i8, i16, i32, mul32, rd8, rd16le, rd32le, wr8, wr16le, wr32le, type Bytes, type bool } from '../lib/prelude.ts';
import type { Ctx } from '../rpc/ctx.ts';
import type { Args } from '../rpc/wire.ts';
import { Msg } from '../rpc/messages.ts';
import { TypeCode, DTypeCode } from '../rpc/codes.ts';
import { type TensorRecord, tensorDecode, tensorBind, tensorView } from '../rpc/tensor.ts';

/** Decodes tensor argument i into t and binds its whole extent. */
function loadTensor(c: Ctx, a: Args, i: u32, t: TensorRecord): Msg {
  let m: Msg = a.want(i, u32(TypeCode.DLTensor));
  if (m === Msg.Ok) {
    m = tensorDecode(t, a.pkt, a.at(i), i, c.err);
  }
  if (m === Msg.Ok) {
    m = tensorBind(t, c.mem, t.nbytes, c.err);
  }
  return m;
}

function intDType(c: Ctx, t: TensorRecord): Msg {
  const okCode: bool = t.dcode === DTypeCode.Int || t.dcode === DTypeCode.UInt;
  const okBits: bool = t.bits === 8 || t.bits === 16 || t.bits === 32;
  if (!okCode || !okBits || t.lanes !== 1) {
    return c.err.set3(Msg.DType, u32(t.dcode), u32(t.bits), u32(t.lanes));
  }
  return Msg.Ok;
}

function readElem(v: Bytes, e: u32, size: u32): u32 {
  if (size === 1) {
    return u32(rd8(v, e));
  }
  if (size === 2) {
    return u32(rd16le(v, u32(e * 2)));
  }
  return rd32le(v, mul32(e, u32(4)));
}

function writeElem(v: Bytes, e: u32, size: u32, x: u32): void {
  if (size === 1) {
    wr8(v, e, u8(x));
  } else if (size === 2) {
    wr16le(v, u32(e * 2), u16(x));
  } else {
    wr32le(v, mul32(e, u32(4)), x);
  }
}

/** tvm.contrib.random.random_fill(tensor out) -> void: fills the tensor's bytes at random. */
export function fnRandomFill(c: Ctx, a: Args): Msg {
  let m: Msg = a.expect(u32(1));
  if (m === Msg.Ok) {
    m = loadTensor(c, a, u32(0), c.t0);
  }
  if (m !== Msg.Ok) {
    return m;
  }
  const v: Bytes = tensorView(c.t0, c.mem, c.t0.nbytes);
  let r: u32 = u32(0);
  for (let i = u32(0); i < v.length; i++) {
    if (u32(i & 3) === 0) {
      r = c.plat.random32();
    }
    v[i] = u8(r);
    r = u32(r >>> 8);
  }
  c.out.retVoid();
  return Msg.Ok;
}

/** urpc.add(tensor a, tensor b, tensor out) -> void: out[i] = a[i] + b[i] (wrapping). */
export function fnAdd(c: Ctx, a: Args): Msg {
  let m: Msg = a.expect(u32(3));
  if (m === Msg.Ok) {
    m = loadTensor(c, a, u32(0), c.t0);
  }
  if (m === Msg.Ok) {
    m = loadTensor(c, a, u32(1), c.t1);
  }
  if (m === Msg.Ok) {
    m = loadTensor(c, a, u32(2), c.t2);
  }
  if (m === Msg.Ok) {
    m = intDType(c, c.t0);
  }
  if (m !== Msg.Ok) {
    return m;
  }
  const x = c.t0;
  const y = c.t1;
  const z = c.t2;
  const same: bool = x.count === y.count && x.count === z.count && x.dcode === y.dcode && x.dcode === z.dcode &&
    x.bits === y.bits && x.bits === z.bits && x.lanes === y.lanes && x.lanes === z.lanes;
  if (!same) {
    return c.err.set0(Msg.TensorMismatch);
  }
  const va: Bytes = tensorView(x, c.mem, x.nbytes);
  const vb: Bytes = tensorView(y, c.mem, y.nbytes);
  const vo: Bytes = tensorView(z, c.mem, z.nbytes);
  const size: u32 = x.elemBytes;
  for (let e = u32(0); e < x.count; e++) {
    writeElem(vo, e, size, u32(readElem(va, e, size) + readElem(vb, e, size)));
  }
  c.out.retVoid();
  return Msg.Ok;
}

/** urpc.sum(tensor a) -> int: the exact i64 sum of the elements (signed for int dtypes). */
export function fnSum(c: Ctx, a: Args): Msg {
  let m: Msg = a.expect(u32(1));
  if (m === Msg.Ok) {
    m = loadTensor(c, a, u32(0), c.t0);
  }
  if (m === Msg.Ok) {
    m = intDType(c, c.t0);
  }
  if (m !== Msg.Ok) {
    return m;
  }
  const t = c.t0;
  const v: Bytes = tensorView(t, c.mem, t.nbytes);
  const signed: bool = t.dcode === DTypeCode.Int;
  let lo: u32 = u32(0);
  let hi: u32 = u32(0);
  for (let e = u32(0); e < t.count; e++) {
    let x: u32 = readElem(v, e, t.elemBytes);
    let ext: u32 = u32(0);
    if (signed) {
      let sx: i32 = i32(x);
      if (t.bits === 8) {
        sx = i32(i8(x));
      } else if (t.bits === 16) {
        sx = i32(i16(x));
      }
      x = u32(sx);
      if (sx < 0) {
        ext = u32(0xffffffff);
      }
    }
    const nlo: u32 = u32(lo + x);
    const carry: u32 = nlo < lo ? u32(1) : u32(0);
    hi = u32(hi + ext + carry);
    lo = nlo;
  }
  c.out.retInt(lo, hi);
  return Msg.Ok;
}
