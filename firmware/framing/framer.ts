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

/** Byte sink below the framer. It must take the whole chunk or return an error. A chunk may be a
 * view of the payload being framed: valid only during the call (copy what is kept). */
export interface WriteStream {
  write(data: Bytes): Err;
}

export const FramerState = { Reset: 0, Idle: 1, Transmitting: 2 } as const;
export type FramerState = (typeof FramerState)[keyof typeof FramerState];

/** Wire bytes are staged here and handed to the stream in writes of at most this size. */
const FRAMER_SCRATCH = 64;
/** Payload runs up to this long are staged; longer ones go to the stream as views. */
const FRAMER_SHORT_RUN = 16;

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
    // Runs without an FF are hashed in a tight loop (the CRC in a local: a field would be
    // reloaded after every byte store in C) and go out as views of the chunk, uncopied; each FF
    // ends a run and is staged doubled.
    const n: u32 = chunk.length;
    let crc: u16 = this.crc;
    let runStart: u32 = u32(0);
    for (let i = u32(0); i < chunk.length; i++) {
      const b: u8 = chunk[i];
      crc = crc16Update(crc, b);
      if (b === Escape.Start) {
        crc = crc16Update(crc, b);
        if (i !== runStart) {
          this.put(view(chunk, runStart, i));
        }
        this.stageFF();
        runStart = u32(i + 1);
      }
    }
    if (n !== runStart) {
      this.put(view(chunk, runStart, n));
    }
    this.crc = crc;
    this.remaining = u32(this.remaining - n);
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

  /** A run of plain payload bytes: a short one is staged (fewer stream writes), a long one is
   * written as it is once the staged bytes before it are out. */
  private put(run: Bytes): void {
    if (run.length <= FRAMER_SHORT_RUN) {
      if (u32(this.used + run.length) > this.buf.length) {
        this.flush();
      }
      copy(this.buf, this.used, run);
      this.used = u32(this.used + run.length);
    } else {
      this.flush();
      if (this.err === Err.Ok) {
        this.err = this.out.write(run);
      }
    }
  }

  /** An escaped data FF: two FF bytes staged (already hashed by the caller). */
  private stageFF(): void {
    if (u32(this.used + 2) > this.buf.length) {
      this.flush();
    }
    wr8(this.buf, this.used, u8(Escape.Start));
    wr8(this.buf, u32(this.used + 1), u8(Escape.Start));
    this.used = u32(this.used + 2);
  }

  private flush(): void {
    if (this.used !== 0 && this.err === Err.Ok) {
      this.err = this.out.write(view(this.buf, u32(0), this.used));
    }
    this.used = u32(0);
  }
}
