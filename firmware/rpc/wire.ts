// Packet-level encoding for the MinRPC server: the reply Writer (with TVM's return-value
// conventions), the error Detail carried into exception texts, and Args, a validated index over
// a packed argument sequence inside a request packet. Nothing here panics on hostile input:
// Args.parse checks every length before reading, and the Writer drops output past its buffer
// (setting `over`) instead of writing out of range.

import {
  u8, u16, u32, i32, bytes, view, copy, divu, mul32, rd8, rd16le, rd32le, wr16le, wr32le, wr8,
  type Bytes, type bool,
} from '../lib/prelude.ts';
import { Msg, MSG_NAMES, Text, TEXT } from './messages.ts';
import { RPCCode, TypeCode, OBJECT_TYPE_RPC_REF } from './codes.ts';
import { RPC_PACKET_LIMIT, RPC_MAX_ARGS, RPC_ARG_OFFS_BYTES, RPC_DETAIL_TEXT_BYTES } from './config.ts';

/** Decimal powers for putDec, largest first. */
const POW10: readonly u32[] = [
  u32(1000000000), u32(100000000), u32(10000000), u32(1000000), u32(100000),
  u32(10000), u32(1000), u32(100), u32(10), u32(1),
];

/** Up to three numbers that fill the `%u` / `%d` slots of a message text, and text pieces for
 * its `%s` slots (added after set*, which clears them). */
export class Detail {
  count: u32 = u32(0);
  v0: u32 = u32(0);
  v1: u32 = u32(0);
  v2: u32 = u32(0);
  /** The %s pieces, each ended by a 0 byte. */
  readonly text: Bytes = bytes(RPC_DETAIL_TEXT_BYTES);
  textLen: u32 = u32(0);

  clear(): void {
    this.count = u32(0);
    this.textLen = u32(0);
  }
  /** The set* helpers return msg so a handler can write `return c.err.set1(Msg.X, v)`. */
  set0(msg: Msg): Msg {
    this.count = u32(0);
    this.textLen = u32(0);
    return msg;
  }
  set1(msg: Msg, a: u32): Msg {
    this.count = u32(1);
    this.textLen = u32(0);
    this.v0 = a;
    return msg;
  }
  set2(msg: Msg, a: u32, b: u32): Msg {
    this.count = u32(2);
    this.textLen = u32(0);
    this.v0 = a;
    this.v1 = b;
    return msg;
  }
  set3(msg: Msg, a: u32, b: u32, c: u32): Msg {
    this.count = u32(3);
    this.textLen = u32(0);
    this.v0 = a;
    this.v1 = b;
    this.v2 = c;
    return msg;
  }
  value(k: u32): u32 {
    if (k === 0) {
      return this.v0;
    }
    if (k === 1) {
      return this.v1;
    }
    return this.v2;
  }
  /** Where the next %s piece may be written: the free text space less its 0 byte. Write into
   * it, then call textAdded(bytes written). */
  textRoom(): Bytes {
    const end: u32 = u32(this.text.length - 1);
    return view(this.text, this.textLen < end ? this.textLen : end, end);
  }
  /** Ends the piece written into textRoom() after n bytes. */
  textAdded(n: u32): void {
    const end: u32 = u32(this.text.length - 1);
    const start: u32 = this.textLen < end ? this.textLen : end;
    const room: u32 = u32(end - start);
    const at: u32 = u32(start + (n < room ? n : room));
    wr8(this.text, at, u8(0));
    this.textLen = u32(at + 1);
  }
  /** Appends a %s piece (cut to the space left). */
  addText(b: Bytes): void {
    const room: Bytes = this.textRoom();
    const n: u32 = b.length < room.length ? b.length : room.length;
    copy(room, u32(0), view(b, u32(0), n));
    this.textAdded(n);
  }
}

/** The reply packet being built: u64 length, i32 code, body.
 *
 * A CallFunc reply carries exactly one value in TVM's shape (spec §4.7): device functions can
 * only write it through the ret* methods (the raw 32/64-bit writers are private), each counts one
 * value in `values`, and the server refuses to send a CallFunc reply whose count is not 1
 * (server.ts checkReturn). put8 / putBytes / putText write the contents of a str or bytes value
 * between beginStr and endStr (or a CopyAck's data). */
export class Writer {
  readonly buf: Bytes = bytes(RPC_PACKET_LIMIT);
  pos: u32 = u32(0);
  /** Set when output was dropped because the buffer was full. */
  over: bool = false;
  /** Return values written by ret* since start() (a CallFunc reply needs exactly 1). */
  values: u32 = u32(0);
  /** A str / bytes value begun by beginStr and not yet ended. */
  open: bool = false;
  /** Offset of the u64 length of the string/bytes value begun by beginStr. */
  private strAt: u32 = u32(0);

  /** Starts a new packet with this RPC code. */
  start(code: u32): void {
    this.pos = u32(0);
    this.over = false;
    this.values = u32(0);
    this.open = false;
    this.put64(u32(0), u32(0));
    this.put32(code);
  }
  room(): u32 {
    return u32(this.buf.length - this.pos);
  }
  private fits(n: u32): bool {
    if (this.over || n > this.room()) {
      this.over = true;
      return false;
    }
    return true;
  }
  put8(v: u8): void {
    if (this.fits(u32(1))) {
      wr8(this.buf, this.pos, v);
      this.pos = u32(this.pos + 1);
    }
  }
  private put32(v: u32): void {
    if (this.fits(u32(4))) {
      wr32le(this.buf, this.pos, v);
      this.pos = u32(this.pos + 4);
    }
  }
  private put64(lo: u32, hi: u32): void {
    this.put32(lo);
    this.put32(hi);
  }
  putBytes(src: Bytes): void {
    if (this.fits(src.length)) {
      copy(this.buf, this.pos, src);
      this.pos = u32(this.pos + src.length);
    }
  }
  /** Unsigned decimal. */
  putDec(v: u32): void {
    let rest: u32 = v;
    let started: bool = false;
    for (let k = u32(0); k < POW10.length; k++) {
      const p: u32 = POW10[k];
      const d: u32 = divu(rest, p);
      rest = u32(rest - mul32(d, p));
      if (started || d !== 0 || k === 9) {
        this.put8(u8(0x30 + d));
        started = true;
      }
    }
  }
  /** Signed decimal of the i32 held in v. */
  putDecSigned(v: u32): void {
    if (i32(v) < 0) {
      this.put8(u8(0x2d));
      this.putDec(u32(0 - v));
    } else {
      this.putDec(v);
    }
  }
  /** Text `t` of TEXT with its %u slots filled from d's values (urpc.info's lines). */
  putText(t: Text, d: Detail): void {
    let k: u32 = u32(0);
    let used: u32 = u32(0);
    let pct: bool = false;
    for (let i = u32(0); i < TEXT.length; i++) {
      const ch: u8 = TEXT[i];
      if (ch === 0) {
        k = u32(k + 1);
        continue;
      }
      if (k !== t) {
        continue;
      }
      if (pct) {
        pct = false;
        if (ch === 0x75 && used < d.count) {
          this.putDec(d.value(used));
          used = u32(used + 1);
          continue;
        }
        this.put8(u8(0x25));
      } else if (ch === 0x25) {
        pct = true;
        continue;
      }
      this.put8(ch);
    }
  }
  /** The short exception text `Name(v0,v1,"piece",...)` (docs/exception-codes.md): the name of
   * msg, d's values in unsigned decimal, then its %s pieces quoted with `"` and `\` escaped, so
   * the host can parse it back whatever a piece holds and put the full text together. */
  putMsg(msg: Msg, d: Detail): void {
    let k: u32 = u32(0);
    for (let i = u32(0); i < MSG_NAMES.length; i++) {
      const ch: u8 = MSG_NAMES[i];
      if (k === msg) {
        if (ch === 0) {
          break;
        }
        this.put8(ch);
      } else if (ch === 0) {
        k = u32(k + 1);
      }
    }
    let sep: u8 = u8(0x28);
    for (let v = u32(0); v < d.count; v++) {
      this.put8(sep);
      sep = u8(0x2c);
      this.putDec(d.value(v));
    }
    let quoted: bool = false;
    for (let i = u32(0); i < d.textLen; i++) {
      const ch: u8 = rd8(d.text, i);
      if (!quoted) {
        this.put8(sep);
        sep = u8(0x2c);
        this.put8(u8(0x22));
        quoted = true;
      }
      if (ch === 0) {
        this.put8(u8(0x22));
        quoted = false;
        continue;
      }
      if (ch === 0x22 || ch === 0x5c) {
        this.put8(u8(0x5c));
      }
      this.put8(ch);
    }
    if (sep === 0x28) {
      this.put8(sep);
    }
    this.put8(u8(0x29));
  }
  /** Replaces the packet with kException carrying msg's short text: [11: u64 len, bytes]. */
  exception(msg: Msg, d: Detail): void {
    this.start(u32(RPCCode.Exception));
    this.put32(u32(1));
    this.put32(u32(TypeCode.Str));
    const at: u32 = this.pos;
    this.put64(u32(0), u32(0));
    this.putMsg(msg, d);
    if (!this.over) {
      wr32le(this.buf, at, u32(this.pos - at - 8));
    }
  }
  /** Patches the u64 length and returns the packet (a view of buf, valid until the next start). */
  finish(): Bytes {
    wr32le(this.buf, u32(0), u32(this.pos - 8));
    wr32le(this.buf, u32(4), u32(0));
    return view(this.buf, u32(0), this.pos);
  }

  // ---- packed sequences: TVM's return conventions (spec §4.7) ----

  /** Syscall / copy reply: [4]. */
  seqVoid(): void {
    this.put32(u32(1));
    this.put32(u32(TypeCode.Null));
  }
  /** Syscall reply: [3: u64 h]. */
  seqHandle(h: u32): void {
    this.put32(u32(1));
    this.put32(u32(TypeCode.OpaqueHandle));
    this.put64(h, u32(0));
  }
  /** CallFunc reply slot 0: [0: i64 orig] after the count and the codes of n slots. */
  private retHead(orig: u32, slot1: u32): void {
    this.values = u32(this.values + 1);
    this.put32(u32(2));
    this.put32(u32(TypeCode.Int));
    this.put32(slot1);
    this.put64(orig, u32(0));
  }
  /** CallFunc reply of a void function: [0: i64 4][4]. */
  retVoid(): void {
    this.retHead(u32(TypeCode.Null), u32(TypeCode.Null));
  }
  /** CallFunc reply of an int (i64 lo/hi): [0: i64 0][0: i64 v]. */
  retInt(lo: u32, hi: u32): void {
    this.retHead(u32(TypeCode.Int), u32(TypeCode.Int));
    this.put64(lo, hi);
  }
  /** CallFunc reply of a float (a binary64, as TVM sends every float): [0: i64 2][2: f64 v],
   * the encoding given as its two words. */
  retFloat(lo: u32, hi: u32): void {
    this.retHead(u32(TypeCode.Float), u32(TypeCode.Float));
    this.put64(lo, hi);
  }
  /** CallFunc reply of a bool (v0.18's code 15, an i64 0 or 1): [0: i64 15][15: i64 v]. */
  retBool(v: bool): void {
    this.retHead(u32(TypeCode.Bool), u32(TypeCode.Bool));
    this.put64(v ? u32(1) : u32(0), u32(0));
  }
  /** CallFunc reply of a module (9) or function (10) handle: [0: i64 orig][3: u64 h]. */
  retHandle(orig: u32, h: u32): void {
    this.retHead(orig, u32(TypeCode.OpaqueHandle));
    this.put64(h, u32(0));
  }
  /** CallFunc reply of a fixed 8-byte value sent as received (int, uint, float, opaque handle,
   * dtype, device, bool): [0: i64 code][code: 8 bytes]. The caller passes only those codes. */
  retValue8(code: u32, value: Bytes): void {
    this.retHead(code, code);
    this.putBytes(value);
  }
  /** CallFunc reply of an NDArray (spec §4.7, 3 slots): [0: i64 13][7: DLTensor record]
   * [3: u64 ndarray handle]. `record` is a complete DLTensor record (32 + 8 * ndim bytes). */
  retTensor(record: Bytes, nd: u32): void {
    this.values = u32(this.values + 1);
    this.put32(u32(3));
    this.put32(u32(TypeCode.Int));
    this.put32(u32(TypeCode.DLTensor));
    this.put32(u32(TypeCode.OpaqueHandle));
    this.put64(u32(TypeCode.NDArrayHandle), u32(0));
    this.putBytes(record);
    this.put64(nd, u32(0));
  }
  /** Begins a str (11) or bytes (12) CallFunc reply; write the data, then endStr(). */
  beginStr(code: u32): void {
    this.retHead(code, code);
    this.strAt = this.pos;
    this.put64(u32(0), u32(0));
    this.open = true;
  }
  endStr(): void {
    if (!this.over) {
      wr32le(this.buf, this.strAt, u32(this.pos - this.strAt - 8));
    }
    this.open = false;
  }
  /** A whole str (11) or bytes (12) CallFunc reply. */
  retStr(code: u32, data: Bytes): void {
    this.beginStr(code);
    this.putBytes(data);
    this.endStr();
  }
}

/** A validated index over a packed sequence `i32 n | i32 codes[n] | values` in a packet. */
export class Args {
  pkt: Bytes;
  private readonly err: Detail;
  n: u32 = u32(0);
  private codesAt: u32 = u32(0);
  /** u16 offset of each value in pkt, plus one entry for the end of the last value. */
  private readonly offs: Bytes = bytes(RPC_ARG_OFFS_BYTES);

  constructor(pkt: Bytes, err: Detail) {
    this.pkt = pkt;
    this.err = err;
  }

  /** Indexes pkt[at, end) as a packed sequence that must fill it exactly. */
  parse(pkt: Bytes, at: u32, end: u32): Msg {
    this.pkt = pkt;
    this.n = u32(0);
    if (end > pkt.length || at > end || u32(end - at) < 4) {
      return this.err.set0(Msg.ArgsNoCount);
    }
    const n: u32 = rd32le(pkt, at);
    if (n > RPC_MAX_ARGS) {
      return this.err.set2(Msg.TooManyArgs, n, u32(RPC_MAX_ARGS));
    }
    const codesAt: u32 = u32(at + 4);
    if (u32(end - codesAt) < u32(n * 4)) {
      return this.err.set1(Msg.ArgsTruncated, u32(0));
    }
    let p: u32 = u32(codesAt + n * 4);
    for (let i = u32(0); i < n; i++) {
      wr16le(this.offs, u32(i * 2), u16(p));
      const tc: u32 = rd32le(pkt, u32(codesAt + i * 4));
      const left: u32 = u32(end - p);
      let size: u32 = u32(0);
      switch (tc) {
        case TypeCode.Int:
        case TypeCode.UInt:
        case TypeCode.Float:
        case TypeCode.OpaqueHandle:
        case TypeCode.DataType:
        case TypeCode.Device:
        case TypeCode.ModuleHandle:
        case TypeCode.PackedFuncHandle:
        case TypeCode.Bool:
          size = u32(8);
          break;
        case TypeCode.Null:
          size = u32(0);
          break;
        case TypeCode.ObjectHandle:
          size = u32(12);
          if (left >= 4 && rd32le(pkt, p) !== OBJECT_TYPE_RPC_REF) {
            return this.err.set2(Msg.ObjectTypeIndex, i, rd32le(pkt, p));
          }
          break;
        case TypeCode.DLTensor: {
          if (left < 32) {
            return this.err.set1(Msg.ArgsTruncated, i);
          }
          const ndim: u32 = rd32le(pkt, u32(p + 16));
          if (i32(ndim) < 0) {
            return this.err.set1(Msg.NegativeNdim, i);
          }
          if (ndim > divu(u32(left - 32), u32(8))) {
            return this.err.set1(Msg.ArgsTruncated, i);
          }
          size = u32(32 + ndim * 8);
          break;
        }
        case TypeCode.Str:
        case TypeCode.Bytes: {
          if (left < 8) {
            return this.err.set1(Msg.ArgsTruncated, i);
          }
          const len: u32 = rd32le(pkt, p);
          if (rd32le(pkt, u32(p + 4)) !== 0 || len > u32(left - 8)) {
            return this.err.set1(Msg.ArgsTruncated, i);
          }
          size = u32(8 + len);
          break;
        }
        case TypeCode.NDArrayHandle:
          return this.err.set1(Msg.NDArrayCode, i);
        case TypeCode.ObjectRValueRef:
          return this.err.set2(Msg.UnsupportedTypeCode, i, tc);
        default:
          return this.err.set2(Msg.UnknownTypeCode, i, tc);
      }
      if (size > left) {
        return this.err.set1(Msg.ArgsTruncated, i);
      }
      p = u32(p + size);
    }
    wr16le(this.offs, u32(n * 2), u16(p));
    if (p !== end) {
      return this.err.set1(Msg.Trailing, u32(end - p));
    }
    this.codesAt = codesAt;
    this.n = n;
    return Msg.Ok;
  }

  /** Type code of argument i (i < n). */
  code(i: u32): u32 {
    return rd32le(this.pkt, u32(this.codesAt + i * 4));
  }
  /** Offset of argument i's value in pkt; at(n) is the end of the sequence. */
  at(i: u32): u32 {
    return u32(rd16le(this.offs, u32(i * 2)));
  }
  /** Low / high word of an 8-byte value (int, handle, ...). */
  lo(i: u32): u32 {
    return rd32le(this.pkt, this.at(i));
  }
  hi(i: u32): u32 {
    return rd32le(this.pkt, u32(this.at(i) + 4));
  }
  /** Payload of a str / bytes argument. */
  str(i: u32): Bytes {
    const p: u32 = this.at(i);
    return view(this.pkt, u32(p + 8), this.at(u32(i + 1)));
  }
  /** The raw value bytes of argument i. */
  raw(i: u32): Bytes {
    return view(this.pkt, this.at(i), this.at(u32(i + 1)));
  }

  /** Exactly `count` arguments. */
  expect(count: u32): Msg {
    if (this.n !== count) {
      return this.err.set2(Msg.ArgCount, count, this.n);
    }
    return Msg.Ok;
  }
  /** Argument i has type code tc. */
  want(i: u32, tc: u32): Msg {
    const got: u32 = this.code(i);
    if (got !== tc) {
      return this.err.set3(Msg.WrongType, i, got, tc);
    }
    return Msg.Ok;
  }
  /** Argument i is an int (0) or, from v0.18 hosts, a bool (15). */
  wantInt(i: u32): Msg {
    if (this.code(i) === TypeCode.Bool) {
      return Msg.Ok;
    }
    return this.want(i, u32(TypeCode.Int));
  }
  /** The i64 in argument i lies in [0, 2^32) (call after wantInt). */
  smallInt(i: u32): bool {
    return this.hi(i) === 0;
  }
  /** Argument i is a handle value below 2^32 (code 3, 9 or 10); the high word must be 0. */
  wantHandle(i: u32, tc: u32): Msg {
    const m: Msg = this.want(i, tc);
    if (m !== Msg.Ok) {
      return m;
    }
    if (this.hi(i) !== 0) {
      return this.err.set1(Msg.ValueRange, i);
    }
    return Msg.Ok;
  }
}
