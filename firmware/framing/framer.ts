// Frame writer, byte-compatible with microTVM's Framer (spec §2.2-2.4):
//
//   [FE]  FF FD  len:u32le  payload  crc:u16le
//
// Everything after FF FD is escaped (each data FF is sent as FF FF). The CRC runs over the exact
// wire bytes from the FF of the start sequence to the last (escaped) payload byte; the FE
// prefix and the CRC field are not hashed. The FE is sent only on the first frame after a reset
// so a receiver left holding a dangling FF is brought back to a clean state.

import { u8, u16, u32, bytes, view, copy, wr8, type Bytes, type bool } from '../lib/prelude.ts';
import { Err } from '../lib/errors.ts';
import { CRC16_INIT, crc16Update } from './crc16.ts';

/** Special wire bytes (TVM's `Escape` enum). */
export const Escape = { Start: 0xff, Nop: 0xfe, PacketStart: 0xfd } as const;
export type Escape = (typeof Escape)[keyof typeof Escape];

/** Byte sink below the framer. It must take the whole chunk or return an error. */
export interface WriteStream {
  write(data: Bytes): Err;
}

export const FramerState = { Reset: 0, Idle: 1, Transmitting: 2 } as const;
export type FramerState = (typeof FramerState)[keyof typeof FramerState];

/** Wire bytes are staged here and handed to the stream in writes of at most this size. */
const FRAMER_SCRATCH = 64;

export class Framer {
  private readonly out: WriteStream;
  private readonly buf: Bytes = bytes(FRAMER_SCRATCH);
  private used: u32 = u32(0);
  private crc: u16 = u16(CRC16_INIT);
  /** Payload bytes still owed for the frame being sent. */
  private remaining: u32 = u32(0);
  private state: FramerState = FramerState.Reset;
  /** First stream error of the current operation; later output is dropped. */
  private err: Err = Err.Ok;

  constructor(out: WriteStream) {
    this.out = out;
  }

  /** Abandons any frame in progress; the next frame is preceded by the FE prefix. */
  reset(): void {
    this.state = FramerState.Reset;
    this.used = u32(0);
  }

  getState(): FramerState {
    return this.state;
  }

  /** Begins a frame of `len` payload bytes: prefix, start sequence and length. */
  start(len: u32): Err {
    if (this.state === FramerState.Transmitting) {
      return Err.FramingInvalidState;
    }
    this.err = Err.Ok;
    this.used = u32(0);
    if (this.state === FramerState.Reset) {
      this.emit(u8(Escape.Nop), false);
    }
    this.crc = u16(CRC16_INIT);
    this.emit(u8(Escape.Start), true);
    this.emit(u8(Escape.PacketStart), true);
    this.emitEscaped(u8(len));
    this.emitEscaped(u8(len >>> 8));
    this.emitEscaped(u8(len >>> 16));
    this.emitEscaped(u8(len >>> 24));
    this.remaining = len;
    this.state = FramerState.Transmitting;
    return this.done();
  }

  /** Sends the next part of the payload; the parts must add up to the length given to start(). */
  writePayload(chunk: Bytes): Err {
    if (this.state !== FramerState.Transmitting) {
      return Err.FramingInvalidState;
    }
    if (chunk.length > this.remaining) {
      return Err.FramingPayloadOverflow;
    }
    this.err = Err.Ok;
    // Runs of plain bytes, as many as the staging buffer takes, are hashed in a tight loop with
    // the CRC in a local (in C a field would be reloaded after every store), then copied in at
    // once; FFs are staged twice. The stream gets the staging buffer, never a view of `chunk`.
    let crc: u16 = this.crc;
    let i: u32 = u32(0);
    while (i < chunk.length) {
      if (this.used >= this.buf.length) {
        this.flush();
      }
      let end: u32 = chunk.length;
      if (u32(this.buf.length - this.used) < u32(end - i)) {
        end = u32(i + this.buf.length - this.used);
      }
      const seg: Bytes = view(chunk, i, end);
      let k: u32 = u32(0);
      while (k < seg.length) {
        const b: u8 = seg[k];
        if (b === Escape.Start) {
          break;
        }
        crc = crc16Update(crc, b);
        k = u32(k + 1);
      }
      if (k !== 0) {
        // The whole segment needs no second view (in Node a view is an allocation).
        copy(this.buf, this.used, k === seg.length ? seg : view(seg, u32(0), k));
      }
      this.used = u32(this.used + k);
      i = u32(i + k);
      while (i < chunk.length) {
        if (chunk[i] !== Escape.Start) {
          break;
        }
        crc = crc16Update(crc16Update(crc, u8(Escape.Start)), u8(Escape.Start));
        const at: u32 = this.used;
        if (at < this.buf.length && u32(at + 1) < this.buf.length) {
          this.buf[at] = u8(Escape.Start);
          this.buf[u32(at + 1)] = u8(Escape.Start);
          this.used = u32(at + 2);
        } else {
          // The pair straddles a flush (both bytes are hashed above).
          this.emit(u8(Escape.Start), false);
          this.emit(u8(Escape.Start), false);
        }
        i = u32(i + 1);
      }
    }
    this.crc = crc;
    this.remaining = u32(this.remaining - chunk.length);
    return this.done();
  }

  /** Appends the CRC and pushes everything still staged to the stream. */
  finish(): Err {
    if (this.state !== FramerState.Transmitting) {
      return Err.FramingInvalidState;
    }
    if (this.remaining !== 0) {
      return Err.FramingPayloadIncomplete;
    }
    this.err = Err.Ok;
    const crc: u16 = this.crc;
    // The CRC field is escaped like data but not hashed.
    this.emit(u8(crc), false);
    if (u8(crc) === Escape.Start) {
      this.emit(u8(crc), false);
    }
    this.emit(u8(crc >>> 8), false);
    if (u8(crc >>> 8) === Escape.Start) {
      this.emit(u8(crc >>> 8), false);
    }
    this.flush();
    if (this.err === Err.Ok) {
      this.state = FramerState.Idle;
    }
    return this.done();
  }

  /** One whole frame in one call. */
  writeFrame(payload: Bytes): Err {
    let e: Err = this.start(payload.length);
    if (e === Err.Ok) {
      e = this.writePayload(payload);
    }
    if (e === Err.Ok) {
      e = this.finish();
    }
    return e;
  }

  /** Ends a public operation: a stream error puts the framer back in Reset, as TVM does. */
  private done(): Err {
    if (this.err !== Err.Ok) {
      this.state = FramerState.Reset;
      this.used = u32(0);
    }
    return this.err;
  }

  /** A hashed data byte, doubled when it is FF. */
  private emitEscaped(b: u8): void {
    this.emit(b, true);
    if (b === Escape.Start) {
      this.emit(b, true);
    }
  }

  private emit(b: u8, hash: bool): void {
    if (this.used >= this.buf.length) {
      this.flush();
    }
    wr8(this.buf, this.used, b);
    this.used = u32(this.used + 1);
    if (hash) {
      this.crc = crc16Update(this.crc, b);
    }
  }

  private flush(): void {
    if (this.used !== 0 && this.err === Err.Ok) {
      // A full buffer goes as it is: no view to make (in Node a view is an allocation).
      if (this.used === this.buf.length) {
        this.err = this.out.write(this.buf);
      } else {
        this.err = this.out.write(view(this.buf, u32(0), this.used));
      }
    }
    this.used = u32(0);
  }
}
