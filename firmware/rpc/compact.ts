// The compact wire (session version 3, a urpc extension; docs/protocol.md "Compact mode"): a
// MinRPC packet written without its fixed-width fields, so a small call is ~20 bytes on the wire
// instead of ~47. Both ends run this module: the host encodes requests and decodes replies, the
// device decodes requests and encodes replies, and each side keeps working on plain MinRPC
// packets (the server never sees the compact form).
//
// A compact packet starts with a form byte:
//   0x00  the MinRPC packet follows as is (every packet without a compact form);
//   0x03  CallFunc: [handle: uvarint][args];
//   0x04  Return:   [args];
//   0x05  refused (device -> host only): [reason u8], a compact request that did not decode.
// args run to the end of the packet, each [type code u8][value]: Int (0) a zigzag varint of the
// i64, Null (4) nothing, Str (11) and Bytes (12) a uvarint length and the bytes. Varints are
// LEB128, at most 10 bytes for 64 bits; anything that would not fit 64 bits, an overlong varint
// or a truncated one is refused, never wrapped. Only packets whose MinRPC form is at most
// COMPACT_PACKET_BYTES have a compact form (small calls: larger ones gain little), so both sides
// decode into a small fixed buffer.

import { u8, u32, view, copy, rd8, wr8, rd32le, wr32le, type Bytes, type bool } from '../lib/prelude.ts';
import { RPCCode, TypeCode } from './codes.ts';

/** The form byte of a compact packet. */
export const CompactForm = { Raw: 0, Call: 3, Return: 4, Refused: 5 } as const;
export type CompactForm = (typeof CompactForm)[keyof typeof CompactForm];

/** Why a compact packet did not decode (the reason byte of a Refused reply). */
export const CompactError = {
  Ok: 0,
  /** Empty, or a varint or value cut off by the end of the packet. */
  Truncated: 1,
  /** A varint past 64 bits, or overlong (a needless 0x80 ... 0x00 tail). */
  VarintRange: 2,
  /** A type code with no compact form. */
  TypeCode: 3,
  /** A MinRPC form over COMPACT_PACKET_BYTES, or a length past the packet's end. */
  TooLarge: 4,
  /** A form byte this side does not decode. */
  Form: 5,
} as const;
export type CompactError = (typeof CompactError)[keyof typeof CompactError];

/** The largest MinRPC packet with a compact form (and so the decode buffer): a CallFunc of up to 8
 * ints is 24 + 8 x 12. A compact packet is never longer than its MinRPC form. */
export const COMPACT_PACKET_BYTES = 120;

const MAX_VARINT = 10;

export class CompactCodec {
  /** Why the last decode() failed (CompactError.Ok after a success). */
  error: CompactError = CompactError.Ok;
  /** Packets that did not decode (diagnostics). */
  errors: u32 = u32(0);
  /** The low and high words of the last varint read. */
  private lo: u32 = u32(0);
  private hi: u32 = u32(0);
  /** Write position of encode()/decode(). */
  private at: u32 = u32(0);

  // ---- compact -> MinRPC ----

  /** The MinRPC packet of compact packet `c`: a view of `c` for the raw form, else written into
   * `out` (COMPACT_PACKET_BYTES). An empty view when it does not decode; `error` says why. */
  decode(c: Bytes, out: Bytes): Bytes {
    this.error = CompactError.Ok;
    if (c.length === 0) {
      return this.fail(c, CompactError.Truncated);
    }
    const form: u8 = rd8(c, u32(0));
    if (form === CompactForm.Raw) {
      return view(c, u32(1), c.length);
    }
    if (form !== CompactForm.Call && form !== CompactForm.Return) {
      return this.fail(c, CompactError.Form);
    }
    let p: u32 = u32(1);
    this.at = u32(12);
    if (form === CompactForm.Call) {
      p = this.readVarint(c, p);
      if (this.error !== CompactError.Ok) {
        return this.fail(c, this.error);
      }
      this.put64(out, this.lo, this.hi);
    }
    // First pass: count and check the arguments and the size of the MinRPC form, so the count
    // can go before the type codes.
    const argsAt: u32 = p;
    let n: u32 = u32(0);
    let size: u32 = u32(this.at + 4);
    while (p < c.length) {
      const tc: u8 = rd8(c, p);
      p = this.skipArg(c, u32(p + 1), tc);
      if (this.error !== CompactError.Ok) {
        return this.fail(c, this.error);
      }
      n = u32(n + 1);
      size = u32(size + 4 + this.valueSize(tc));
      if (size > out.length) {
        return this.fail(c, CompactError.TooLarge);
      }
    }
    // Second pass: the count, each type code in its slot, its value after all the codes.
    wr32le(out, this.at, n);
    let codeAt: u32 = u32(this.at + 4);
    this.at = u32(codeAt + n * 4);
    p = argsAt;
    while (p < c.length) {
      const tc: u8 = rd8(c, p);
      wr32le(out, codeAt, u32(tc));
      codeAt = u32(codeAt + 4);
      p = this.skipArg(c, u32(p + 1), tc);
      if (tc === TypeCode.Int) {
        this.putZigzag(out); // skipArg left the varint in lo/hi
      } else if (tc !== TypeCode.Null) {
        // str / bytes: u64 length, then the bytes (the last lo bytes before p)
        this.put64(out, this.lo, u32(0));
        copy(out, this.at, view(c, u32(p - this.lo), p));
        this.at = u32(this.at + this.lo);
      }
    }
    wr32le(out, u32(0), u32(this.at - 8));
    wr32le(out, u32(4), u32(0));
    wr32le(out, u32(8), u32(form));
    return view(out, u32(0), this.at);
  }

  private fail(c: Bytes, e: CompactError): Bytes {
    this.error = e;
    this.errors = u32(this.errors + 1);
    return view(c, u32(0), u32(0));
  }

  /** Past the value of type `tc` at p; sets `error` if it does not decode. For str and bytes, lo
   * is left holding the length. */
  private skipArg(c: Bytes, p: u32, tc: u8): u32 {
    if (tc === TypeCode.Null) {
      this.lo = u32(0);
      return p;
    }
    if (tc !== TypeCode.Int && tc !== TypeCode.Str && tc !== TypeCode.Bytes) {
      this.error = CompactError.TypeCode;
      return p;
    }
    const q: u32 = this.readVarint(c, p);
    if (tc === TypeCode.Int || this.error !== CompactError.Ok) {
      return q;
    }
    if (this.hi !== 0 || this.lo > u32(c.length - q)) {
      this.error = CompactError.TooLarge; // a length past the end of the packet
      return q;
    }
    return u32(q + this.lo);
  }

  /** Bytes of the MinRPC value of type `tc` just skipped (skipArg). */
  private valueSize(tc: u8): u32 {
    if (tc === TypeCode.Int) {
      return u32(8);
    }
    if (tc === TypeCode.Null) {
      return u32(0);
    }
    return u32(8 + this.lo);
  }

  /** Reads a LEB128 varint at p into lo/hi; returns the position after it. Sets `error` for a
   * truncated, overlong or over-64-bit one. */
  private readVarint(c: Bytes, p: u32): u32 {
    this.lo = u32(0);
    this.hi = u32(0);
    let shift: u32 = u32(0);
    for (let k = u32(0); k < MAX_VARINT; k++) {
      if (p >= c.length) {
        this.error = CompactError.Truncated;
        return p;
      }
      const b: u32 = u32(rd8(c, p));
      p = u32(p + 1);
      const v: u32 = u32(b & 0x7f);
      if (k === MAX_VARINT - 1 && v > 1) {
        this.error = CompactError.VarintRange; // bit 64 or above
        return p;
      }
      if (shift < 32) {
        this.lo = u32(this.lo | (v << shift));
        if (shift > 25) {
          this.hi = u32(this.hi | (v >>> (32 - shift)));
        }
      } else {
        this.hi = u32(this.hi | (v << (shift - 32)));
      }
      if (u32(b & 0x80) === 0) {
        if (b === 0 && k > 0) {
          this.error = CompactError.VarintRange; // overlong: the encoding must be unique
        }
        return p;
      }
      shift = u32(shift + 7);
    }
    this.error = CompactError.VarintRange; // an 11th byte would follow
    return p;
  }

  /** Writes the i64 whose zigzag code is lo/hi. */
  private putZigzag(out: Bytes): void {
    const neg: u32 = u32(0 - (this.lo & 1));
    const lo: u32 = u32(((this.lo >>> 1) | (this.hi << 31)) ^ neg);
    const hi: u32 = u32((this.hi >>> 1) ^ neg);
    this.put64(out, lo, hi);
  }

  private put64(out: Bytes, lo: u32, hi: u32): void {
    wr32le(out, this.at, lo);
    wr32le(out, u32(this.at + 4), hi);
    this.at = u32(this.at + 8);
  }

  /** The reply to a request that did not decode: [Refused][reason], written into `out` (2 bytes). */
  refusal(out: Bytes): Bytes {
    wr8(out, u32(0), u8(CompactForm.Refused));
    wr8(out, u32(1), u8(this.error));
    return view(out, u32(0), u32(2));
  }

  // ---- MinRPC -> compact ----

  /** Writes the compact form of MinRPC packet `p` into `out` (COMPACT_PACKET_BYTES) and returns
   * its length, or 0 when it has none (another code, another type code, a packet over
   * COMPACT_PACKET_BYTES or not well formed): then send the raw form. */
  encode(p: Bytes, out: Bytes): u32 {
    if (p.length === 2 && rd8(p, u32(0)) === CompactForm.Refused) {
      // A refusal (refusal()) is compact already: it is cached and repeated like any reply.
      wr8(out, u32(0), u8(CompactForm.Refused));
      wr8(out, u32(1), rd8(p, u32(1)));
      return u32(2);
    }
    const bad: bool = p.length < 16 || p.length > COMPACT_PACKET_BYTES || p.length > out.length;
    if (bad || rd32le(p, u32(0)) !== u32(p.length - 8) || rd32le(p, u32(4)) !== 0) {
      return u32(0);
    }
    const code: u32 = rd32le(p, u32(8));
    let q: u32 = u32(12);
    wr8(out, u32(0), u8(code));
    this.at = u32(1);
    if (code === RPCCode.CallFunc) {
      if (p.length < 24) {
        return u32(0);
      }
      this.putVarint(out, rd32le(p, q), rd32le(p, u32(q + 4)));
      q = u32(q + 8);
    } else if (code !== RPCCode.Return) {
      return u32(0);
    }
    const n: u32 = rd32le(p, q);
    const codesAt: u32 = u32(q + 4);
    if (n > COMPACT_PACKET_BYTES || u32(p.length - codesAt) < u32(n * 4)) {
      return u32(0);
    }
    let v: u32 = u32(codesAt + n * 4);
    for (let i = u32(0); i < n; i++) {
      const tc: u32 = rd32le(p, u32(codesAt + i * 4));
      wr8(out, this.at, u8(tc));
      this.at = u32(this.at + 1);
      const left: u32 = u32(p.length - v);
      if (tc === TypeCode.Int) {
        if (left < 8) {
          return u32(0);
        }
        this.putZigzagOf(out, rd32le(p, v), rd32le(p, u32(v + 4)));
        v = u32(v + 8);
      } else if (tc === TypeCode.Str || tc === TypeCode.Bytes) {
        if (left < 8 || rd32le(p, u32(v + 4)) !== 0 || rd32le(p, v) > u32(left - 8)) {
          return u32(0);
        }
        const len: u32 = rd32le(p, v);
        this.putVarint(out, len, u32(0));
        copy(out, this.at, view(p, u32(v + 8), u32(v + 8 + len)));
        this.at = u32(this.at + len);
        v = u32(v + 8 + len);
      } else if (tc !== TypeCode.Null) {
        return u32(0);
      }
    }
    if (v !== p.length) {
      return u32(0); // trailing bytes: not ours to drop
    }
    return this.at;
  }

  /** Writes the zigzag varint of the i64 lo/hi. */
  private putZigzagOf(out: Bytes, lo: u32, hi: u32): void {
    const sign: u32 = u32(0 - (hi >>> 31));
    this.putVarint(out, u32((lo << 1) ^ sign), u32(((hi << 1) | (lo >>> 31)) ^ sign));
  }

  private putVarint(out: Bytes, lo0: u32, hi0: u32): void {
    let lo: u32 = lo0;
    let hi: u32 = hi0;
    let more: bool = hi !== 0 || lo > 0x7f;
    while (more) {
      wr8(out, this.at, u8((lo & 0x7f) | 0x80));
      this.at = u32(this.at + 1);
      lo = u32((lo >>> 7) | (hi << 25));
      hi = u32(hi >>> 7);
      more = hi !== 0 || lo > 0x7f;
    }
    wr8(out, this.at, u8(lo));
    this.at = u32(this.at + 1);
  }
}
