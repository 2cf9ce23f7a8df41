// DLTensor records (spec §4.5) and their binding to device memory. A record's `data` field is a
// Memory handle the server gave out (never an address); every access is checked against that
// allocation's size before a view is made.

import { u8, u16, u32, mul32, divu, rd8, rd16le, rd32le, view, type Bytes } from '../lib/prelude.ts';
import type { Memory } from './ports.ts';
import { Msg } from './messages.ts';
import type { Detail } from './wire.ts';
import { DEVICE_CPU } from './codes.ts';

/** Bytes of a DLTensor record before its shape (data 8, device 8, ndim 4, dtype 4). */
export const TENSOR_HEAD_BYTES = 24;

/** A decoded DLTensor record. */
export class TensorRecord {
  handle: u32 = u32(0);
  /** High word of `data`; non-zero never names an allocation. */
  handleHi: u32 = u32(0);
  devType: u32 = u32(0);
  ndim: u32 = u32(0);
  dcode: u8 = u8(0);
  bits: u8 = u8(0);
  lanes: u16 = u16(0);
  /** Element count: the product of the shape. */
  count: u32 = u32(0);
  /** ceil(bits * lanes / 8). */
  elemBytes: u32 = u32(0);
  /** count * elemBytes. */
  nbytes: u32 = u32(0);
  offset: u32 = u32(0);
}

/** Size of the record at pkt[at, end), or 0 if it is truncated or has a negative ndim. */
export function tensorRecordSize(pkt: Bytes, at: u32, end: u32): u32 {
  if (end > pkt.length || at > end || u32(end - at) < 32) {
    return u32(0);
  }
  const ndim: u32 = rd32le(pkt, u32(at + 16));
  if (ndim > divu(u32(end - at - 32), u32(8))) {
    return u32(0);
  }
  return u32(32 + ndim * 8);
}

/** Decodes a record whose size was already checked (Args.parse or tensorRecordSize). `arg`
 * names the argument in error texts. Checks the shape and the size arithmetic only. */
export function tensorDecode(t: TensorRecord, pkt: Bytes, at: u32, arg: u32, d: Detail): Msg {
  t.handle = rd32le(pkt, at);
  t.handleHi = rd32le(pkt, u32(at + 4));
  t.devType = rd32le(pkt, u32(at + 8));
  t.ndim = rd32le(pkt, u32(at + 16));
  t.dcode = rd8(pkt, u32(at + 20));
  t.bits = rd8(pkt, u32(at + 21));
  t.lanes = rd16le(pkt, u32(at + 22));
  let count: u32 = u32(1);
  let p: u32 = u32(at + TENSOR_HEAD_BYTES);
  for (let k = u32(0); k < t.ndim; k++) {
    const dim: u32 = rd32le(pkt, p);
    if (rd32le(pkt, u32(p + 4)) !== 0) {
      return d.set1(Msg.ShapeRange, arg);
    }
    if (dim !== 0 && count > divu(u32(0xffffffff), dim)) {
      return d.set0(Msg.TensorTooLarge);
    }
    count = mul32(count, dim);
    p = u32(p + 8);
  }
  t.count = count;
  t.offset = rd32le(pkt, p);
  if (rd32le(pkt, u32(p + 4)) !== 0) {
    return d.set1(Msg.ValueRange, arg);
  }
  t.elemBytes = u32((t.bits * t.lanes + 7) >>> 3);
  if (t.elemBytes !== 0 && count > divu(u32(0xffffffff), t.elemBytes)) {
    return d.set0(Msg.TensorTooLarge);
  }
  t.nbytes = mul32(count, t.elemBytes);
  return Msg.Ok;
}

/** Checks that [offset, offset + nbytes) of the tensor lies inside a live CPU allocation. */
export function tensorBind(t: TensorRecord, mem: Memory, nbytes: u32, d: Detail): Msg {
  if (t.devType !== DEVICE_CPU) {
    return d.set1(Msg.Device, t.devType);
  }
  if (t.handleHi !== 0 || t.handle === 0 || !mem.live(t.handle)) {
    return d.set1(Msg.UnknownMemHandle, t.handle);
  }
  const size: u32 = mem.data(t.handle).length;
  if (t.offset > size || nbytes > u32(size - t.offset)) {
    return d.set3(Msg.OutOfBounds, t.handle, t.offset, nbytes);
  }
  return Msg.Ok;
}

/** The bytes [offset, offset + nbytes) of a tensor that passed tensorBind with this nbytes. */
export function tensorView(t: TensorRecord, mem: Memory, nbytes: u32): Bytes {
  return view(mem.data(t.handle), t.offset, u32(t.offset + nbytes));
}
