// Shared parts of the fuzz harnesses (test/fuzz/targets/*_fuzz.ts). The harnesses are FwTS: the
// same file runs in Node (fast-check, test/fuzz/node-fuzz.test.ts) and, lowered to C by urpc's
// transpiler, under libFuzzer with ASan/UBSan (test/fuzz/build.ts, entry.c).
//
// Every harness exports `main(input, output): u32` (the difftest convention, so the corpus can
// also be replayed Node vs C). A broken invariant panics with FUZZ_FAIL + an Inv code: in Node a
// FwPanic, in C fw_panic(), which the libFuzzer entry turns into abort() (a crash). A panic of the
// firmware itself (bounds, division by zero, page allocator check) has a code below FUZZ_FAIL.
//
// Nothing here uses the firmware's framing code: the harness encodes frames with its own
// bitwise CRC-16/CCITT-FALSE and escaper (Wire), and reads the device's output with its own
// strict parser (DeviceOutput), written from docs/protocol.md, so a framing bug cannot hide
// behind itself.

import { u8, u16, u32, bytes, view, copy, modu, rd8, wr8, panic, type Bytes, type bool } from '../../../firmware/lib/prelude.ts';
import { Err } from '../../../firmware/lib/errors.ts';
import type { WriteStream } from '../../../firmware/framing/framer.ts';

/** Harness invariant failures panic with FUZZ_FAIL + Inv.X (firmware panics stay below). */
export const FUZZ_FAIL = 0xf000;

/** What a harness checks; the names are printed by test/fuzz/run.ts (INV_NAMES there). */
export const Inv = {
  /** The device wrote more than a bounded amount for what it was fed. */
  OutputBound: 1,
  /** Device output is not a clean sequence of frames: bad escape, CRC, stray byte, cut frame. */
  OutputFrame: 2,
  /** The device sent a message it must not send (type, session id, state). */
  OutputMessage: 3,
  /** More or fewer replies than requests that need one. */
  ReplyCount: 4,
  /** An RPC reply that does not decode (length, code, packed values). */
  ReplyPacket: 5,
  /** An Init was not answered by exactly one correct Reply. */
  Handshake: 6,
  /** After the input, a well-formed request on a fresh or the current session got no correct reply. */
  Liveness: 7,
  /** Session: a message delivered that must not be, or not delivered (or altered). */
  Delivery: 8,
  /** Unframer: sink calls out of order (frameData/frameEnd without frameStart, data past length). */
  SinkProtocol: 9,
  /** Unframer: events differ from the byte-at-a-time reference parser. */
  Reference: 10,
  /** Unframer: the error returned by write() is not the reference's. */
  WriteError: 11,
  /** A frame the harness built correctly was not received intact. */
  CleanFrame: 12,
  /** Reliable mode: a repeated request was not answered with the same reply. */
  Repeat: 13,
} as const;
export type Inv = (typeof Inv)[keyof typeof Inv];

export function check(ok: bool, what: Inv): void {
  if (!ok) {
    panic(u32(FUZZ_FAIL + u32(what)));
  }
}

// ---- CRC and framing, written from the spec (independent of firmware/framing) ----

/** CRC-16/CCITT-FALSE, one byte, bitwise. */
export function crcByte(crc: u16, b: u8): u16 {
  let c: u16 = u16(crc ^ (b << 8));
  for (let i = u8(0); i < 8; i++) {
    if (u16(c & 0x8000) !== 0) {
      c = u16((c << 1) ^ 0x1021);
    } else {
      c = u16(c << 1);
    }
  }
  return c;
}

/** The CRC after the start sequence FF FD (the seed of every frame). */
export const CRC_START = 0x2042;
/** Largest message (session header included) of a version 1 session: TVM's limit. */
export const MAX_MESSAGE = 2048;
/** A version 2 (reliable mode) session carries a sequence byte more. */
export const MAX_MESSAGE_V2 = 2049;
/** A version 3 (compact mode) session a sequence byte and a form byte more. */
export const MAX_MESSAGE_V3 = 2050;
/** Most wire bytes of one frame: FE, FF FD, everything else escaped. */
export const MAX_FRAME_WIRE = 4113;

/** Builds wire bytes: frames (escaped, with CRC) and raw bytes, into one buffer. */
export class Wire {
  readonly buf: Bytes = bytes(12288);
  len: u32 = u32(0);
  private crc: u16 = u16(0);
  /** Position (in payload bytes) where an FF FE no-op pair goes; 0xffffffff: none. */
  nopAt: u32 = u32(0xffffffff);
  private payloadAt: u32 = u32(0);

  clear(): void {
    this.len = u32(0);
  }

  /** One raw byte; returns false when the buffer is full. */
  raw(b: u8): bool {
    if (this.len >= this.buf.length) {
      return false;
    }
    wr8(this.buf, this.len, b);
    this.len = u32(this.len + 1);
    return true;
  }

  rawBytes(d: Bytes): void {
    for (let i = u32(0); i < d.length; i++) {
      this.raw(d[i]);
    }
  }

  private hashed(b: u8): void {
    this.crc = crcByte(this.crc, b);
    this.raw(b);
  }

  private escaped(b: u8): void {
    this.hashed(b);
    if (b === 0xff) {
      this.hashed(b);
    }
  }

  /** FF FD and the escaped u32 length; then put() the payload and end(). */
  begin(len: u32, fe: bool): void {
    if (fe) {
      this.raw(u8(0xfe));
    }
    this.crc = u16(0xffff);
    this.hashed(u8(0xff));
    this.hashed(u8(0xfd));
    this.escaped(u8(len));
    this.escaped(u8(len >>> 8));
    this.escaped(u8(len >>> 16));
    this.escaped(u8(len >>> 24));
    this.payloadAt = u32(0);
  }

  put(b: u8): void {
    if (this.payloadAt === this.nopAt) {
      this.hashed(u8(0xff));
      this.hashed(u8(0xfe));
    }
    this.payloadAt = u32(this.payloadAt + 1);
    this.escaped(b);
  }

  putBytes(d: Bytes): void {
    for (let i = u32(0); i < d.length; i++) {
      this.put(d[i]);
    }
  }

  /** Where the last frame's CRC field begins. */
  crcAt: u32 = u32(0);

  /** The CRC (xor `damage`: 0 for a correct frame), escaped. Returns the frame's end offset. */
  end(damage: u16): u32 {
    this.crcAt = this.len;
    const c: u16 = u16(this.crc ^ damage);
    this.raw(u8(c));
    if (u8(c) === 0xff) {
      this.raw(u8(0xff));
    }
    this.raw(u8(c >>> 8));
    if (u8(c >>> 8) === 0xff) {
      this.raw(u8(0xff));
    }
    this.nopAt = u32(0xffffffff);
    return this.len;
  }

  bytes(): Bytes {
    return view(this.buf, u32(0), this.len);
  }
}

/** Reads the harness input: bytes in order, 0 past the end. */
export class Input {
  data: Bytes;
  pos: u32 = u32(0);

  constructor(empty: Bytes) {
    this.data = empty;
  }

  load(d: Bytes): void {
    this.data = d;
    this.pos = u32(0);
  }

  more(): bool {
    return this.pos < this.data.length;
  }

  left(): u32 {
    return u32(this.data.length - this.pos);
  }

  next(): u8 {
    if (this.pos >= this.data.length) {
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

  /** The next n bytes (fewer at the end of the input) as a view. */
  take(n: u32): Bytes {
    let k: u32 = n;
    if (k > this.left()) {
      k = this.left();
    }
    const v: Bytes = view(this.data, this.pos, u32(this.pos + k));
    this.pos = u32(this.pos + k);
    return v;
  }
}

/** xorshift32: chunk sizes and the device's nonces, reseeded for every input. */
export class Rng {
  state: u32 = u32(1);

  seed(s: u32): void {
    this.state = s === 0 ? u32(0x2545f491) : s;
  }

  next(): u32 {
    let x: u32 = this.state;
    x = u32(x ^ (x << 13));
    x = u32(x ^ (x >>> 17));
    x = u32(x ^ (x << 5));
    this.state = x;
    return x;
  }

  /** 1 + a value below `span` (span > 0). */
  size(span: u32): u32 {
    return u32(modu(u32(this.next() & 0xffff), span) + 1);
  }
}

/** Where DeviceOutput hands each complete, CRC-checked frame payload. */
export interface FrameListener {
  deviceFrame(payload: Bytes): void;
}

export const OutState = { Between: 0, Start: 1, Length: 2, Payload: 3, Crc: 4 } as const;
export type OutState = (typeof OutState)[keyof typeof OutState];

/**
 * The device's WriteStream: a strict, streaming parser of everything the device writes. Legal
 * output is a sequence of frames `[FE] FF FD len payload crc` with FF escaped as FF FF (the
 * framer never sends FF FE or a bare FF), 3 <= len <= MAX_MESSAGE_V3 and a matching CRC (the
 * targets check the exact limit of the session's version); anything else
 * fails Inv.OutputFrame at the byte where it happens. Complete frames go to the listener.
 */
export class DeviceOutput implements WriteStream {
  private readonly listener: FrameListener;
  private state: OutState = OutState.Between;
  private sawFF: bool = false;
  private sawFE: bool = false;
  private crc: u16 = u16(0);
  private field: u32 = u32(0);
  private fieldBytes: u32 = u32(0);
  private remaining: u32 = u32(0);
  private readonly msg: Bytes = bytes(MAX_MESSAGE_V3);
  private msgLen: u32 = u32(0);
  /** Bytes and frames written since mark(). */
  bytesSince: u32 = u32(0);
  framesSince: u32 = u32(0);
  frames: u32 = u32(0);
  bytesTotal: u32 = u32(0);
  /** Running CRC of all output (a summary for Node vs C). */
  digest: u16 = u16(0xffff);
  /** Upper bound on bytes between two mark() calls. */
  limit: u32 = u32(0xffffffff);

  constructor(listener: FrameListener) {
    this.listener = listener;
  }

  /** Forgets a half-parsed frame (only between inputs, after the device was reset). */
  reset(): void {
    this.state = OutState.Between;
    this.sawFF = false;
    this.sawFE = false;
    this.frames = u32(0);
    this.bytesTotal = u32(0);
    this.digest = u16(0xffff);
    this.mark(u32(0xffffffff));
  }

  mark(limit: u32): void {
    this.bytesSince = u32(0);
    this.framesSince = u32(0);
    this.limit = limit;
  }

  /** Every byte written so far belongs to a complete frame. */
  idle(): bool {
    return this.state === OutState.Between;
  }

  write(data: Bytes): Err {
    check(data.length <= u32(this.limit - this.bytesSince), Inv.OutputBound);
    this.bytesSince = u32(this.bytesSince + data.length);
    this.bytesTotal = u32(this.bytesTotal + data.length);
    for (let i = u32(0); i < data.length; i++) {
      this.byte(data[i]);
    }
    return Err.Ok;
  }

  private byte(b: u8): void {
    this.digest = crcByte(this.digest, b);
    if (this.state === OutState.Between) {
      // An optional FE prefix (one), then FF FD.
      if (b === 0xfe && !this.sawFE) {
        this.sawFE = true;
        return;
      }
      check(b === 0xff, Inv.OutputFrame);
      this.sawFE = false;
      this.state = OutState.Start;
      return;
    }
    if (this.state === OutState.Start) {
      check(b === 0xfd, Inv.OutputFrame);
      this.crc = crcByte(crcByte(u16(0xffff), u8(0xff)), u8(0xfd));
      this.state = OutState.Length;
      this.field = u32(0);
      this.fieldBytes = u32(0);
      return;
    }
    if (this.state !== OutState.Crc) {
      this.crc = crcByte(this.crc, b);
    }
    if (this.sawFF) {
      // Only FF FF may follow an FF inside a frame.
      check(b === 0xff, Inv.OutputFrame);
      this.sawFF = false;
      this.data(b);
      return;
    }
    if (b === 0xff) {
      this.sawFF = true;
      return;
    }
    this.data(b);
  }

  private data(b: u8): void {
    if (this.state === OutState.Payload) {
      wr8(this.msg, this.msgLen, b);
      this.msgLen = u32(this.msgLen + 1);
      this.remaining = u32(this.remaining - 1);
      if (this.remaining === 0) {
        this.enter(OutState.Crc);
      }
      return;
    }
    this.field = u32(this.field | (b << u32(this.fieldBytes << 3)));
    this.fieldBytes = u32(this.fieldBytes + 1);
    if (this.state === OutState.Length && this.fieldBytes === 4) {
      check(this.field >= 3 && this.field <= MAX_MESSAGE_V3, Inv.OutputFrame);
      this.remaining = this.field;
      this.msgLen = u32(0);
      this.enter(OutState.Payload);
    } else if (this.state === OutState.Crc && this.fieldBytes === 2) {
      check(u16(this.field) === this.crc, Inv.OutputFrame);
      this.state = OutState.Between;
      this.frames = u32(this.frames + 1);
      this.framesSince = u32(this.framesSince + 1);
      this.listener.deviceFrame(view(this.msg, u32(0), this.msgLen));
    }
  }

  private enter(s: OutState): void {
    this.state = s;
    this.field = u32(0);
    this.fieldBytes = u32(0);
  }
}

/** Number of FF FD pairs in d (each can start at most one frame, so one answer). */
export function frameStarts(d: Bytes, prevFF: bool): u32 {
  let n: u32 = u32(0);
  let ff: bool = prevFF;
  for (let i = u32(0); i < d.length; i++) {
    const b: u8 = d[i];
    if (ff && b === 0xfd) {
      n = u32(n + 1);
    }
    ff = b === 0xff;
  }
  return n;
}

/** The bytes that put any unframer back to hunting: `00 FF FD` and an empty frame with a correct
 * CRC (docs/protocol.md: an FF FD inside a frame aborts it, a 00 after an FF is a bad escape). */
export function resync(w: Wire): void {
  w.raw(u8(0));
  w.begin(u32(0), false);
  w.end(u16(0));
}

/** A 16-bit digest of a byte string (for summaries). */
export function digestOf(d: Bytes, seed: u16): u16 {
  let c: u16 = seed;
  for (let i = u32(0); i < d.length; i++) {
    c = crcByte(c, d[i]);
  }
  return c;
}

/** dst[at..] = src, returning how many bytes fit. */
export function copyClamped(dst: Bytes, at: u32, src: Bytes): u32 {
  if (at >= dst.length) {
    return u32(0);
  }
  let n: u32 = src.length;
  if (n > u32(dst.length - at)) {
    n = u32(dst.length - at);
  }
  copy(dst, at, view(src, u32(0), n));
  return n;
}

/** Equal contents. */
export function same(a: Bytes, b: Bytes): bool {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = u32(0); i < a.length; i++) {
    if (a[i] !== rd8(b, i)) {
      return false;
    }
  }
  return true;
}

/** Any of the bits of m set in x. */
export function bit(x: u8, m: u8): bool {
  return u8(x & m) !== 0;
}
