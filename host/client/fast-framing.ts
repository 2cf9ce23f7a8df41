// The host's fast path through the FwTS framing (issue 16 goal 5: the host codec at >= 200 MB/s
// each way). The host runs the device's own Session, Framer and Unframer; on the host's instances
// only the two payload loops are replaced, everything else (start sequence, length, CRC field,
// escapes, errors, resynchronisation) stays the FwTS code:
//
//   Framer.writePayload  plain runs found with indexOf, hashed by crc16Run (8 bytes a step, host
//                        tables: crc16-slices.ts) and copied at once; each FF staged twice and
//                        hashed twice, as on the device; one stream write per call (per 8 KiB)
//                        instead of one per 64-byte staging buffer, the same tail left staged
//   Unframer.run         a run of plain payload bytes: found with indexOf, hashed by crc16Run,
//                        passed to the sink as one view, as the FwTS run() does
//
// The FwTS loops hash byte by byte with crc16Update (what the MCU can afford: no table); in Node
// that chain of shifts is most of the codec's time. Other Framer/Unframer instances (the device
// simulations, the reference in tests) are left alone. test/unit/fast-framing.test.ts proves the
// replaced instances equal to the FwTS ones (bytes, sink calls, errors, states). Browser-safe.
//
// The replacements read and write the FwTS classes' private fields by name: install() checks the
// names it relies on, so a rename in firmware/framing fails loudly here instead of going slow or
// wrong.

import { u32, type Bytes } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import { Escape, FramerState, type Framer, type WriteStream } from '../../firmware/framing/framer.ts';
import { UnframerState, type FrameSink, type Unframer } from '../../firmware/framing/unframer.ts';
import type { Session } from '../../firmware/session/session.ts';
import { crc16FFs, crc16Run } from './crc16-slices.ts';

/** The Framer's private state the fast writePayload uses (firmware/framing/framer.ts). */
interface FramerSlots {
  out: WriteStream;
  buf: Uint8Array;
  used: number;
  crc: number;
  remaining: number;
  state: FramerState;
  err: Err;
  done(): Err;
}

/** The Unframer's private state the fast run uses (firmware/framing/unframer.ts). */
interface UnframerSlots {
  sink: FrameSink;
  crc: number;
  remaining: number;
  accepted: boolean;
  fail(e: Err): void;
  enterField(s: UnframerState): void;
}

/** Payload bytes escaped per stream write: the scratch holds twice this (every byte an FF) plus
 * what the framer had staged. */
const STEP = 8192;

function check(o: object, fields: readonly string[], methods: readonly string[], what: string): void {
  for (const f of fields) if (!(f in o)) throw new Error(`fast framing: ${what} has no field ${f} (renamed in firmware/framing?)`);
  for (const m of methods) {
    if (typeof (o as Record<string, unknown>)[m] !== 'function') throw new Error(`fast framing: ${what} has no method ${m} (renamed in firmware/framing?)`);
  }
}

/** Gives this Framer instance the fast writePayload. */
export function fastFramer(framer: Framer): Framer {
  check(framer, ['out', 'buf', 'used', 'crc', 'remaining', 'state', 'err'], ['done', 'writePayload'], 'Framer');
  let scratch = new Uint8Array(0);
  function writePayload(this: FramerSlots, chunk: Bytes): Err {
    if (this.state !== FramerState.Transmitting) return Err.FramingInvalidState;
    if (chunk.length > this.remaining) return Err.FramingPayloadOverflow;
    this.err = Err.Ok;
    const c = chunk as unknown as Uint8Array;
    let crc = this.crc;
    let i = 0;
    // Where the next FF of `c` is (c.length: none), found once and kept across steps so a long
    // run without FF is scanned once.
    let ff = -1;
    while (i < c.length) {
      const end = Math.min(c.length, i + STEP);
      const need = this.used + 2 * (end - i);
      if (scratch.length < need) scratch = new Uint8Array(Math.max(need, 2 * STEP + this.buf.length));
      // What start() (or the previous call) left staged goes first, in the same write.
      scratch.set(this.buf.subarray(0, this.used));
      let o = this.used;
      this.used = 0;
      while (i < end) {
        if (ff < i) {
          ff = c.indexOf(Escape.Start, i);
          if (ff < 0) ff = c.length;
        }
        const j = Math.min(ff, end);
        if (j > i) {
          crc = crc16Run(crc, c, i, j);
          scratch.set(c.subarray(i, j), o);
          o += j - i;
          i = j;
        }
        let n = 0;
        while (i < end && c[i] === Escape.Start) {
          scratch[o] = Escape.Start;
          scratch[o + 1] = Escape.Start;
          o += 2;
          i++;
          n++;
        }
        if (n !== 0) crc = crc16FFs(crc, 2 * n);
      }
      // The FwTS loop writes its staging buffer only when it is full and another byte comes,
      // and leaves the last 1..64 bytes staged: so does this, so a stream error surfaces in the
      // same call. As in the FwTS flush(), after a stream error the rest is hashed but dropped.
      const L = this.buf.length;
      const keep = o <= L ? o : ((o - 1) % L) + 1;
      if (o > keep && this.err === Err.Ok) this.err = this.out.write(scratch.subarray(0, o - keep) as unknown as Bytes);
      this.buf.set(scratch.subarray(o - keep, o));
      this.used = keep;
    }
    this.crc = crc;
    this.remaining = u32(this.remaining - c.length);
    return this.done();
  }
  (framer as unknown as { writePayload: typeof writePayload }).writePayload = writePayload;
  return framer;
}

/** Gives this Unframer instance the fast run (the FwTS write() calls it for a plain payload byte). */
export function fastUnframer(unframer: Unframer): Unframer {
  check(unframer, ['sink', 'crc', 'remaining', 'accepted'], ['fail', 'enterField', 'run'], 'Unframer');
  function run(this: UnframerSlots, data: Bytes, from: number): number {
    const d = data as unknown as Uint8Array;
    let end = d.length;
    if (this.remaining < end - from) end = from + this.remaining;
    // indexOf may look past the frame's end, but only up to the next FF: the next frame's start
    // sequence at the latest, so a write is still scanned about once.
    let stop = d.indexOf(Escape.Start, from);
    if (stop < 0 || stop > end) stop = end;
    this.crc = crc16Run(this.crc, d, from, stop);
    this.remaining = u32(this.remaining - (stop - from));
    if (this.accepted) {
      const e = this.sink.frameData(d.subarray(from, stop) as unknown as Bytes);
      if (e !== Err.Ok) {
        this.accepted = false;
        this.fail(e);
      }
    }
    if (this.remaining === 0) this.enterField(UnframerState.FindCrc);
    return stop;
  }
  (unframer as unknown as { run: typeof run }).run = run;
  return unframer;
}

/** Gives this Session's own Framer and Unframer the fast paths; returns the session. */
export function useFastFraming(session: Session): Session {
  const s = session as unknown as { framer: unknown; unframer: unknown };
  // Not instanceof: a second copy of the firmware modules (dist/ and .ts) would fail it.
  if (typeof s.framer !== 'object' || s.framer === null || typeof s.unframer !== 'object' || s.unframer === null) {
    throw new Error('fast framing: the Session has no framer/unframer fields (renamed in firmware/session?)');
  }
  fastFramer(s.framer as Framer);
  fastUnframer(s.unframer as Unframer);
  return session;
}
