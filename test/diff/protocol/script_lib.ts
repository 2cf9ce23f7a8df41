// Shared by the command-script difftest drivers in this directory: a reader over the script (the
// difftest input) and a transcript of everything observable. The transcript is kept whole as a
// length and a CRC-16, and its first bytes are copied out, so Node and C must agree on every
// event, not just on a summary.
//
// Output layout of every driver: [u32 LE transcript length][u16 LE transcript CRC][u16 LE
// commands run][transcript prefix ...].

import { u8, u16, u32, bytes, view, copy, rd8, wr8, wr16le, wr32le, type Bytes } from '../../../firmware/lib/prelude.ts';
import { crc16Update } from '../../../firmware/framing/crc16.ts';

const TRANSCRIPT_KEEP = 2048;
const HEADER = 8;

export class Transcript {
  private readonly buf: Bytes = bytes(TRANSCRIPT_KEEP);
  private len: u32 = u32(0);
  private crc: u16 = u16(0xffff);
  private commands: u16 = u16(0);

  begin(): void {
    this.len = u32(0);
    this.crc = u16(0xffff);
    this.commands = u16(0);
  }

  /** One command was run: its opcode starts a record. */
  command(op: u8): void {
    this.commands = u16(this.commands + 1);
    this.put(u8(0xc0 | op));
  }

  put(b: u8): void {
    this.crc = crc16Update(this.crc, b);
    if (this.len < this.buf.length) {
      wr8(this.buf, this.len, b);
    }
    this.len = u32(this.len + 1);
  }

  put16(v: u16): void {
    this.put(u8(v));
    this.put(u8(v >>> 8));
  }

  put32(v: u32): void {
    this.put(u8(v));
    this.put(u8(v >>> 8));
    this.put(u8(v >>> 16));
    this.put(u8(v >>> 24));
  }

  /** A length-prefixed byte string. */
  putBytes(data: Bytes): void {
    this.put32(data.length);
    for (let i = u32(0); i < data.length; i++) {
      this.put(data[i]);
    }
  }

  /** Writes the header and as much of the transcript as fits; returns the transcript length. */
  finish(out: Bytes): u32 {
    wr32le(out, u32(0), this.len);
    wr16le(out, u32(4), this.crc);
    wr16le(out, u32(6), this.commands);
    let n: u32 = this.len;
    if (n > this.buf.length) {
      n = this.buf.length;
    }
    if (n > u32(out.length - HEADER)) {
      n = u32(out.length - HEADER);
    }
    copy(out, u32(HEADER), view(this.buf, u32(0), n));
    return this.len;
  }
}

/** The command script: the difftest input, read byte by byte (0 past its end). */
export class Script {
  private pos: u32 = u32(0);
  private end: u32 = u32(0);
  private readonly data: Bytes = bytes(4096);

  /** Takes a copy of (at most 4096 bytes of) the input. */
  load(input: Bytes): void {
    let n: u32 = input.length;
    if (n > this.data.length) {
      n = this.data.length;
    }
    copy(this.data, u32(0), view(input, u32(0), n));
    this.end = n;
    this.pos = u32(0);
  }

  more(): boolean {
    return this.pos < this.end;
  }

  next(): u8 {
    if (this.pos >= this.end) {
      return u8(0);
    }
    const b: u8 = rd8(this.data, this.pos);
    this.pos = u32(this.pos + 1);
    return b;
  }

  next16(): u16 {
    const lo: u8 = this.next();
    const hi: u8 = this.next();
    return u16(lo | (hi << 8));
  }

  next32(): u32 {
    const lo: u16 = this.next16();
    const hi: u16 = this.next16();
    return u32(lo | (hi << 16));
  }
}

/**
 * Fills `dst[0..n)` with payload bytes: from the script when `mode` is 0, FF-heavy when 1,
 * all FF when 2, a counter when 3 (so long payloads need no script bytes).
 */
export function fillPayload(s: Script, dst: Bytes, n: u32, mode: u8): void {
  for (let i = u32(0); i < dst.length; i++) {
    if (i >= n) {
      break;
    }
    let b: u8 = u8(i);
    if (mode === 0) {
      b = s.next();
    } else if (mode === 1) {
      const r: u8 = s.next();
      b = u8(r & 1) === 0 ? u8(0xff) : r;
    } else if (mode === 2) {
      b = u8(0xff);
    }
    dst[i] = b;
  }
}
