// Frame reader, the receive state machine of microTVM's Unframer (spec §2.5), fed any number of
// bytes at a time. Payload bytes go up to a FrameSink as they arrive, as views of the input (no
// copy): a run of unescaped bytes as it is, k escaped FF pairs (2k FF bytes) as their first k
// bytes; only an FF whose pair is split across two writes is passed from a 1-byte buffer.
//
// Differences from TVM, none of them visible on the wire:
// - write() always consumes all of its input and returns the first error it met. An FF FD inside
//   a frame aborts that frame (FramingShortPacket) and starts the next one right there, so the
//   caller never re-feeds anything.
// - Every frameStart() the sink accepted is closed by exactly one frameEnd(valid), also when
//   the frame is aborted, so the sink can drop partial data: a bad frame leaves nothing behind.
// - A frame the sink refuses (too long, ...) is skipped escape-aware up to its CRC, instead of
//   hunting for FF FD inside its payload.
// - A CRC mismatch is also reported as FramingCrcMismatch (TVM reports nothing).

import { u8, u16, u32, bytes, view, type Bytes, type bool } from '../lib/prelude.ts';
import { Err } from '../lib/errors.ts';
import { crc16Update } from './crc16.ts';
import { Escape } from './framer.ts';

/** The layer above the unframer (the session). */
export interface FrameSink {
  /** A frame of `len` payload bytes begins. An error refuses it: its bytes are skipped. */
  frameStart(len: u32): Err;
  /** The next payload bytes, valid only during the call. An error drops the rest of the frame. */
  frameData(data: Bytes): Err;
  /** Closes an accepted frame. valid: all payload was taken and the CRC matched. */
  frameEnd(valid: bool): void;
}

export const UnframerState = { FindStart: 0, FindLength: 1, Payload: 2, FindCrc: 3 } as const;
export type UnframerState = (typeof UnframerState)[keyof typeof UnframerState];

/** CRC-16 of the start sequence FF FD from the 0xFFFF seed: where every frame's CRC begins. */
const CRC_AFTER_START = 0x2042;

export class Unframer {
  private readonly sink: FrameSink;
  private state: UnframerState = UnframerState.FindStart;
  /** The previous byte was an FF not yet paired. */
  private sawFF: bool = false;
  private crc: u16 = u16(CRC_AFTER_START);
  /** The length or CRC field being gathered, little-endian, and how many bytes of it arrived. */
  private field: u32 = u32(0);
  private fieldBytes: u8 = u8(0);
  /** Payload bytes still expected. */
  private remaining: u32 = u32(0);
  /** frameStart() succeeded, so a frameEnd() is owed. */
  private open: bool = false;
  /** The sink is still taking this frame's data. */
  private accepted: bool = false;
  /** First error of the current write(). */
  private err: Err = Err.Ok;
  /** Carries a single unescaped byte (from an FF FF pair) up to the sink. */
  private readonly one: Bytes = bytes(1);

  constructor(sink: FrameSink) {
    this.sink = sink;
  }

  /** Drops any frame in progress (the sink sees frameEnd(false)) and hunts for FF FD again. */
  reset(): void {
    this.close(false);
    this.sawFF = false;
  }

  getState(): UnframerState {
    return this.state;
  }

  /** How many more bytes the current field needs at least (TVM's read size hint). */
  bytesNeeded(): u32 {
    if (this.state === UnframerState.FindLength) {
      return u32(4 - this.fieldBytes);
    }
    if (this.state === UnframerState.Payload) {
      return this.remaining;
    }
    if (this.state === UnframerState.FindCrc) {
      return u32(2 - this.fieldBytes);
    }
    return u32(1);
  }

  /** Consumes all of `data`; returns the first error met (Ok when every frame was clean). */
  write(data: Bytes): Err {
    this.err = Err.Ok;
    let i: u32 = u32(0);
    while (i < data.length) {
      const b: u8 = data[i];
      if (this.state === UnframerState.Payload && !this.sawFF) {
        // Fast paths inside a frame's payload (not after a lone FF).
        if (b !== Escape.Start) {
          i = this.run(data, i);
          continue;
        }
        const next: u32 = this.pairs(data, i);
        if (next !== i) {
          i = next;
          continue;
        }
      }
      this.step(b);
      i = u32(i + 1);
    }
    return this.err;
  }

  /** A run of plain payload bytes from data[from] (not an FF) up to the next FF, the end of the
   * input or of the frame: hashed with the CRC in a local (in C a field would be reloaded after
   * every store) and passed to the sink as a view of the input. Returns where it stopped. */
  private run(data: Bytes, from: u32): u32 {
    let end: u32 = data.length;
    if (this.remaining < u32(end - from)) {
      end = u32(from + this.remaining);
    }
    let run: Bytes = view(data, from, end);
    let crc: u16 = this.crc;
    let k: u32 = u32(0);
    while (k < run.length) {
      const b: u8 = run[k];
      if (b === Escape.Start) {
        break;
      }
      crc = crc16Update(crc, b);
      k = u32(k + 1);
    }
    this.crc = crc;
    this.remaining = u32(this.remaining - k);
    if (k !== run.length) {
      run = view(run, u32(0), k);
    }
    // deliver() written out: with the byte-at-a-time input this is the path of every byte.
    if (this.accepted) {
      const e: Err = this.sink.frameData(run);
      if (e !== Err.Ok) {
        this.accepted = false;
        this.fail(e);
      }
    }
    if (this.remaining === 0) {
      this.enterField(UnframerState.FindCrc);
    }
    return u32(from + k);
  }

  /** Escaped FF pairs from data[from] that lie wholly in `data`, while the frame wants more
   * bytes: k pairs (2k FF bytes on the wire) go to the sink as a view of their first k bytes.
   * Returns where they end (`from` if there is none: data[from] is for step()). */
  private pairs(data: Bytes, from: u32): u32 {
    let crc: u16 = this.crc;
    let at: u32 = from;
    let n: u32 = u32(0);
    while (at < data.length && u32(at + 1) < data.length && n < this.remaining) {
      if (data[at] !== Escape.Start || data[u32(at + 1)] !== Escape.Start) {
        break;
      }
      crc = crc16Update(crc16Update(crc, u8(Escape.Start)), u8(Escape.Start));
      n = u32(n + 1);
      at = u32(at + 2);
    }
    if (n !== 0) {
      this.crc = crc;
      this.remaining = u32(this.remaining - n);
      this.deliver(view(data, from, u32(from + n)));
      if (this.remaining === 0) {
        this.enterField(UnframerState.FindCrc);
      }
    }
    return at;
  }

  /** Any byte that is not a plain payload byte. */
  private step(b: u8): void {
    if (this.state === UnframerState.FindStart) {
      if (this.sawFF && b === Escape.PacketStart) {
        this.begin();
      } else {
        this.sawFF = b === Escape.Start;
      }
      return;
    }
    // Inside a frame TVM hashes the raw wire bytes of the length and payload, escapes included.
    if (this.state !== UnframerState.FindCrc) {
      this.crc = crc16Update(this.crc, b);
    }
    if (!this.sawFF) {
      if (b === Escape.Start) {
        this.sawFF = true;
      } else {
        this.data(b);
      }
      return;
    }
    this.sawFF = false;
    if (b === Escape.Start) {
      this.data(b);
    } else if (b === Escape.PacketStart) {
      // A sender restarted mid-frame: drop this frame, the new one starts here.
      this.abort(Err.FramingShortPacket);
      this.begin();
    } else if (b !== Escape.Nop) {
      this.abort(Err.FramingInvalidEscape);
    }
  }

  /** One unescaped byte of the length, payload or CRC field. */
  private data(b: u8): void {
    if (this.state === UnframerState.Payload) {
      this.one[0] = b;
      this.deliver(this.one);
      this.remaining = u32(this.remaining - 1);
      if (this.remaining === 0) {
        this.enterField(UnframerState.FindCrc);
      }
      return;
    }
    this.field = u32(this.field | (b << u32(this.fieldBytes << 3)));
    this.fieldBytes = u8(this.fieldBytes + 1);
    if (this.state === UnframerState.FindLength && this.fieldBytes === 4) {
      this.remaining = this.field;
      const e: Err = this.sink.frameStart(this.remaining);
      this.open = e === Err.Ok;
      this.accepted = this.open;
      this.fail(e);
      if (this.remaining === 0) {
        this.enterField(UnframerState.FindCrc);
      } else {
        this.state = UnframerState.Payload;
      }
    } else if (this.state === UnframerState.FindCrc && this.fieldBytes === 2) {
      const ok: bool = u16(this.field) === this.crc;
      if (!ok) {
        this.fail(Err.FramingCrcMismatch);
      }
      this.close(ok);
    }
  }

  /** FF FD seen: a frame starts. */
  private begin(): void {
    this.crc = u16(CRC_AFTER_START);
    this.sawFF = false;
    this.open = false;
    this.accepted = false;
    this.enterField(UnframerState.FindLength);
  }

  private enterField(s: UnframerState): void {
    this.state = s;
    this.field = u32(0);
    this.fieldBytes = u8(0);
  }

  private deliver(d: Bytes): void {
    if (this.accepted && d.length !== 0) {
      const e: Err = this.sink.frameData(d);
      if (e !== Err.Ok) {
        this.accepted = false;
        this.fail(e);
      }
    }
  }

  private abort(e: Err): void {
    this.fail(e);
    this.close(false);
  }

  /** Back to hunting; the sink hears about the frame it accepted. */
  private close(valid: bool): void {
    this.state = UnframerState.FindStart;
    if (this.open) {
      this.open = false;
      this.sink.frameEnd(valid && this.accepted);
    }
    this.accepted = false;
  }

  private fail(e: Err): void {
    if (this.err === Err.Ok) {
      this.err = e;
    }
  }
}
