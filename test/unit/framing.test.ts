import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { crc16ccitt } from 'crc';
import { u32 } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import { Framer, FramerState } from '../../firmware/framing/framer.ts';
import { Unframer, UnframerState, type FrameSink } from '../../firmware/framing/unframer.ts';
import { ascii, b, CaptureStream, cat, hex, RecordingSink, toHex } from './framing-helpers.ts';

// Spec §7.1 (TVM framing_test.cc), wire frames without the optional FE prefix.
const LONG_TEXT = 'this payload is exactly 255 characters long. chunk is 64 bytes. ';
const LONG = ascii(LONG_TEXT.repeat(3) + LONG_TEXT.slice(0, 63));
const VECTORS: { name: string; payload: Uint8Array; wire: Uint8Array }[] = [
  { name: 'Packet1', payload: ascii('one'), wire: hex('FF FD 03 00 00 00 6F 6E 65 58 F4') },
  { name: 'Packet2', payload: ascii('two2'), wire: hex('FF FD 04 00 00 00 74 77 6F 32 13 11') },
  { name: 'Packet3', payload: ascii('three'), wire: hex('FF FD 05 00 00 00 74 68 72 65 65 63 9F') },
  { name: 'ZeroLengthPacket', payload: new Uint8Array(0), wire: hex('FF FD 00 00 00 00 83 44') },
  {
    name: 'EscapePacket',
    payload: hex('65 73 5F FF 5F 63 61 70 65 69 72 2F 5E 3E 74 40 22 68 72'),
    wire: hex('FF FD 13 00 00 00 65 73 5F FF FF 5F 63 61 70 65 69 72 2F 5E 3E 74 40 22 68 72 B4 FF FF'),
  },
  { name: 'EscapeCodeInSizePacket', payload: LONG, wire: cat(hex('FF FD FF FF 00 00 00'), LONG, hex('36 7E')) },
];
const FE = hex('FE');

function frame(payload: Uint8Array, framer?: Framer, out?: CaptureStream): Uint8Array {
  const o = out ?? new CaptureStream();
  const f = framer ?? new Framer(o);
  assert.equal(f.writeFrame(b(payload)), Err.Ok);
  return o.take();
}

function unframe(chunks: Uint8Array[], sink = new RecordingSink()): { sink: RecordingSink; errs: Err[] } {
  const u = new Unframer(sink);
  const errs = chunks.map((c) => u.write(b(c)));
  return { sink, errs };
}

describe('framing: Framer (spec §2.2-2.4, §7.1)', () => {
  it('encodes LONG as 255 bytes of text', () => assert.equal(LONG.length, 255));

  for (const v of VECTORS) {
    it(`${v.name}: a fresh framer writes FE + the golden frame`, () => {
      assert.equal(toHex(frame(v.payload)), toHex(cat(FE, v.wire)));
    });
    it(`${v.name}: streaming in 1..7-byte chunks gives the same bytes`, () => {
      for (let step = 1; step <= 7; step++) {
        const out = new CaptureStream();
        const f = new Framer(out);
        assert.equal(f.start(u32(v.payload.length)), Err.Ok);
        for (let i = 0; i < v.payload.length; i += step) {
          assert.equal(f.writePayload(b(v.payload.subarray(i, i + step))), Err.Ok);
        }
        assert.equal(f.finish(), Err.Ok);
        assert.equal(toHex(out.take()), toHex(cat(FE, v.wire)));
      }
    });
  }

  it('ValidPacketTrain: FE only on the first frame and after reset()', () => {
    const out = new CaptureStream();
    const f = new Framer(out);
    assert.equal(f.writeFrame(b(ascii('one'))), Err.Ok);
    assert.equal(f.writeFrame(b(ascii('two2'))), Err.Ok);
    f.reset();
    assert.equal(f.writeFrame(b(ascii('three'))), Err.Ok);
    assert.equal(toHex(out.take()), toHex(cat(FE, VECTORS[0].wire, VECTORS[1].wire, FE, VECTORS[2].wire)));
  });

  it('never hands the stream more than its scratch size at once', () => {
    const out = new CaptureStream();
    new Framer(out).writeFrame(b(new Uint8Array(1000).fill(0xff)));
    assert.ok(out.chunks.length > 1);
    for (const c of out.chunks) assert.ok(c.length > 0 && c.length <= 64, `chunk of ${c.length}`);
  });

  it('rejects misuse: payload before start, too much payload, finish too early, double start', () => {
    const out = new CaptureStream();
    const f = new Framer(out);
    assert.equal(f.writePayload(b(ascii('x'))), Err.FramingInvalidState);
    assert.equal(f.finish(), Err.FramingInvalidState);
    assert.equal(f.start(u32(2)), Err.Ok);
    assert.equal(f.start(u32(2)), Err.FramingInvalidState);
    assert.equal(f.writePayload(b(ascii('abc'))), Err.FramingPayloadOverflow);
    assert.equal(f.writePayload(b(ascii('a'))), Err.Ok);
    assert.equal(f.finish(), Err.FramingPayloadIncomplete);
    assert.equal(f.writePayload(b(ascii('b'))), Err.Ok);
    assert.equal(f.finish(), Err.Ok);
    assert.equal(f.getState(), FramerState.Idle);
  });

  it('a stream error returns the error and puts the framer back in Reset (next frame gets FE)', () => {
    const out = new CaptureStream();
    const f = new Framer(out);
    frame(ascii('one'), f, out);
    out.failWith = Err.WriteStreamShortWrite;
    assert.equal(f.writeFrame(b(ascii('two2'))), Err.WriteStreamShortWrite);
    assert.equal(f.getState(), FramerState.Reset);
    out.failWith = Err.Ok;
    assert.equal(toHex(frame(ascii('three'), f, out)), toHex(cat(FE, VECTORS[2].wire)));
  });
});

describe('framing: Unframer (spec §2.5, §8 items 4-5)', () => {
  for (const v of VECTORS) {
    const wires = [v.wire, cat(FE, v.wire)];
    it(`${v.name}: whole frame, with and without FE`, () => {
      for (const w of wires) {
        const { sink, errs } = unframe([w]);
        assert.deepEqual(errs, [Err.Ok]);
        assert.deepEqual(sink.events, [{ valid: true, payload: v.payload }]);
      }
    });
    it(`${v.name}: one byte per write, the frame ends only on the last byte`, () => {
      const sink = new RecordingSink();
      const u = new Unframer(sink);
      for (let i = 0; i < v.wire.length; i++) {
        assert.equal(u.write(b(v.wire.subarray(i, i + 1))), Err.Ok);
        assert.equal(sink.events.length, i === v.wire.length - 1 ? 1 : 0);
      }
      assert.deepEqual(sink.valid(), [v.payload]);
    });
    it(`${v.name}: split at every position`, () => {
      for (let k = 0; k <= v.wire.length; k++) {
        const { sink, errs } = unframe([v.wire.subarray(0, k), v.wire.subarray(k)]);
        assert.deepEqual(errs, [Err.Ok, Err.Ok], `split ${k}`);
        assert.deepEqual(sink.valid(), [v.payload], `split ${k}`);
      }
    });
    it(`${v.name}: restart during the start sequence (FF, then the frame)`, () => {
      const { sink, errs } = unframe([hex('FF'), v.wire]);
      assert.deepEqual(errs, [Err.Ok, Err.Ok]);
      assert.deepEqual(sink.valid(), [v.payload]);
    });
    it(`${v.name}: a new frame starting inside one aborts it with ShortPacket`, () => {
      // TVM's test: FF FD, then FF, then the frame from FD on.
      const { sink, errs } = unframe([hex('FF FD'), hex('FF'), v.wire.subarray(1)]);
      assert.deepEqual(errs, [Err.Ok, Err.Ok, Err.FramingShortPacket]);
      assert.deepEqual(sink.valid(), [v.payload]);
      // Variant: the whole frame right after a partial start.
      const r2 = unframe([hex('FF FD 01'), v.wire]);
      assert.deepEqual(r2.errs, [Err.Ok, Err.FramingShortPacket]);
      assert.deepEqual(r2.sink.valid(), [v.payload]);
    });
  }

  it('a train of all six vectors in one write', () => {
    const { sink, errs } = unframe([cat(FE, ...VECTORS.map((v) => v.wire))]);
    assert.deepEqual(errs, [Err.Ok]);
    assert.deepEqual(sink.valid(), VECTORS.map((v) => v.payload));
  });

  it('an invalid escape (FF 41) aborts the frame and consumes the byte', () => {
    const w = VECTORS[2].wire;
    const bad = cat(w.subarray(0, 8), hex('FF 41'), w.subarray(8));
    const { sink, errs } = unframe([bad, VECTORS[0].wire]);
    assert.deepEqual(errs, [Err.FramingInvalidEscape, Err.Ok]);
    assert.deepEqual(sink.events, [
      { valid: false, payload: ascii('th') },
      { valid: true, payload: ascii('one') },
    ]);
  });

  it('a CRC mismatch is reported (FramingCrcMismatch, frameEnd(false)) and the next frame is clean', () => {
    const w = Uint8Array.from(VECTORS[1].wire);
    w[w.length - 1] ^= 0x01;
    const { sink, errs } = unframe([w, VECTORS[0].wire]);
    assert.deepEqual(errs, [Err.FramingCrcMismatch, Err.Ok]);
    assert.deepEqual(sink.events, [
      { valid: false, payload: ascii('two2') },
      { valid: true, payload: ascii('one') },
    ]);
  });

  it('PacketTooLong: a frame the sink refuses is skipped escape-aware and the next one decodes', () => {
    const sink = new RecordingSink();
    sink.capacity = 300;
    // A 301-byte payload made of FF FD pairs: after escaping it reads FF FF FD ..., which a
    // naive resync would take for frame starts.
    const big = new Uint8Array(301);
    for (let i = 0; i < big.length; i++) big[i] = i % 2 === 0 ? 0xff : 0xfd;
    const w = frame(big);
    const { errs } = unframe([w, VECTORS[0].wire], sink);
    assert.deepEqual(errs, [Err.SessionReceiveBufferShortWrite, Err.Ok]);
    assert.deepEqual(sink.events, [{ valid: true, payload: ascii('one') }]);
  });

  it('a sink error on data drops the rest of the frame and closes it with frameEnd(false)', () => {
    const sink = new RecordingSink();
    let calls = 0;
    const orig = sink.frameData.bind(sink);
    sink.frameData = (d) => (++calls === 2 ? Err.SessionReceiveBufferShortWrite : orig(d));
    const u = new Unframer(sink);
    const w = VECTORS[4].wire; // FF inside: delivered in several pieces
    assert.equal(u.write(b(w)), Err.SessionReceiveBufferShortWrite);
    assert.equal(sink.events.length, 1);
    assert.equal(sink.events[0].valid, false);
    assert.equal(u.write(b(VECTORS[0].wire)), Err.Ok);
    assert.deepEqual(sink.valid(), [ascii('one')]);
  });

  it('reset() closes an open frame with frameEnd(false)', () => {
    const sink = new RecordingSink();
    const u = new Unframer(sink);
    u.write(b(VECTORS[2].wire.subarray(0, 8)));
    assert.ok(sink.open);
    u.reset();
    assert.ok(!sink.open);
    assert.equal(u.getState(), UnframerState.FindStart);
    assert.deepEqual(sink.events, [{ valid: false, payload: ascii('th') }]);
  });

  it('bytesNeeded follows TVM hints: 1, 4-k, payload left, 2-k', () => {
    const u = new Unframer(new RecordingSink());
    const w = VECTORS[2].wire;
    const hints: number[] = [];
    for (let i = 0; i < w.length; i++) {
      hints.push(u.bytesNeeded());
      u.write(b(w.subarray(i, i + 1)));
    }
    hints.push(u.bytesNeeded());
    assert.deepEqual(hints, [1, 1, 4, 3, 2, 1, 5, 4, 3, 2, 1, 2, 1, 1]);
  });

  it('an FF FE pair inside a frame is a NOP, and both bytes count in the CRC (as TVM hashes raw bytes)', () => {
    // "one" with FF FE between "o" and "ne"; CRC computed independently with the crc package.
    const body = hex('FF FD 03 00 00 00 6F FF FE 6E 65');
    const c = crc16ccitt(Buffer.from(body));
    const w = cat(body, Uint8Array.of(c & 0xff, c >> 8));
    assert.ok(!w.subarray(body.length).includes(0xff));
    const { sink, errs } = unframe([w]);
    assert.deepEqual(errs, [Err.Ok]);
    assert.deepEqual(sink.valid(), [ascii('one')]);
    // The CRC of the pair-less frame does not match: the pair is hashed.
    const { errs: e2 } = unframe([cat(body, hex('58 F4'))]);
    assert.deepEqual(e2, [Err.FramingCrcMismatch]);
  });

  it('noise between frames is dropped (FE, FD, lone FF, FF FE, text)', () => {
    const noise = cat(hex('FE FD FF FE 00 41 FF 10'), ascii('hello'));
    const { sink, errs } = unframe([cat(noise, VECTORS[0].wire, noise, VECTORS[3].wire)]);
    assert.deepEqual(errs, [Err.Ok]);
    assert.deepEqual(sink.valid(), [ascii('one'), new Uint8Array(0)]);
  });
});

// ---- property tests ----

/** Splits `data` at random points given by `cuts`. */
function chunk(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const pts = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, x) => a - x);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of pts) {
    out.push(data.subarray(prev, p));
    prev = p;
  }
  out.push(data.subarray(prev));
  return out;
}

const payloadArb = fc.oneof(
  fc.uint8Array({ maxLength: 300, size: 'max' }),
  // Escape-heavy payloads.
  fc.array(fc.constantFrom(0xff, 0xfe, 0xfd, 0x00), { maxLength: 100, size: 'max' }).map((a) => Uint8Array.from(a)),
);
const cutsArb = fc.array(fc.nat(), { maxLength: 12, size: 'max' });

describe('framing: properties', () => {
  it('decode(encode(x)) === x for trains of frames under random chunking', () => {
    fc.assert(
      fc.property(fc.array(payloadArb, { minLength: 1, maxLength: 6 }), cutsArb, (payloads, cuts) => {
        const out = new CaptureStream();
        const f = new Framer(out);
        for (const p of payloads) assert.equal(f.writeFrame(b(p)), Err.Ok);
        const { sink, errs } = unframe(chunk(out.take(), cuts));
        assert.ok(errs.every((e) => e === Err.Ok));
        assert.deepEqual(sink.events, payloads.map((p) => ({ valid: true, payload: p })));
      }),
      { numRuns: 300 },
    );
  });

  it('garbage between frames: frames after FE + garbage are all recovered', () => {
    // Garbage with no FF FD cannot start a frame: the decoded list must be exact.
    const garbageArb = fc
      .uint8Array({ maxLength: 40 })
      .map((g) => g.map((x, i) => (x === 0xfd && i > 0 && g[i - 1] === 0xff ? 0x00 : x)));
    fc.assert(
      fc.property(fc.array(fc.tuple(garbageArb, payloadArb), { minLength: 1, maxLength: 5 }), cutsArb, (items, cuts) => {
        const parts: Uint8Array[] = [];
        for (const [g, p] of items) {
          // Each frame comes from a reset framer (FE prefix), as after a sender restart.
          parts.push(g, frame(p));
        }
        const { sink } = unframe(chunk(cat(...parts), cuts));
        assert.deepEqual(sink.valid(), items.map(([, p]) => p));
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary garbage (FF FD included) never hides a frame sent with FE', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 40, size: 'max' }), payloadArb), { minLength: 1, maxLength: 5 }), (items) => {
        const parts: Uint8Array[] = [];
        for (const [g, p] of items) parts.push(g, frame(p));
        const { sink } = unframe([cat(...parts)]);
        // Ours must appear in order; a bogus frame from garbage could only pass with a CRC match.
        const got = sink.valid();
        let j = 0;
        for (const p of got) if (j < items.length && Buffer.from(p).equals(items[j][1])) j++;
        assert.equal(j, items.length, 'a frame was lost');
      }),
      { numRuns: 300, seed: 0x5eed },
    );
  });

  it('FF FD inside a frame: the cut frame is dropped (ShortPacket), the new one decodes', () => {
    fc.assert(
      fc.property(payloadArb, payloadArb, fc.nat(), cutsArb, (pa, pb, at, cuts) => {
        const wa = frame(pa).subarray(1); // no FE
        const k = 2 + (at % (wa.length - 2)); // cut after FF FD and before the last byte
        const wb = frame(pb); // restarted sender: FE FF FD ...
        const { sink, errs } = unframe(chunk(cat(wa.subarray(0, k), wb), cuts));
        const valid = sink.valid();
        assert.deepEqual(valid[valid.length - 1], pb);
        // Only if FE happened to complete frame A exactly (its last CRC byte is FE) can A pass.
        const completesA = k === wa.length - 1 && wa[wa.length - 1] === 0xfe;
        if (completesA) {
          assert.deepEqual(valid, [pa, pb]);
        } else {
          assert.equal(valid.length, 1);
          // Usually ShortPacket; the FE may first complete a bogus length the sink refuses.
          assert.ok(errs.some((e) => e !== Err.Ok), 'the cut frame went unreported');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a changed data or CRC byte (framing intact) is always detected', () => {
    fc.assert(
      fc.property(payloadArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (p, at, delta) => {
        const w = frame(p).subarray(1);
        // Positions of plain (non-FF) bytes after the length: payload and CRC.
        const idx = [...w.keys()].filter((i) => i >= 6 && w[i] !== 0xff && w[i - 1] !== 0xff);
        fc.pre(idx.length > 0);
        const i = idx[at % idx.length];
        const v = (w[i] + delta) & 0xff;
        fc.pre(v !== 0xff);
        const bad = Uint8Array.from(w);
        bad[i] = v;
        const { sink, errs } = unframe([bad, VECTORS[0].wire]);
        assert.deepEqual(sink.valid(), [ascii('one')]);
        assert.equal(errs[0], Err.FramingCrcMismatch);
      }),
      { numRuns: 500 },
    );
  });

  it('any corruption: never a wrong payload delivered, recovery on the next FE frame', () => {
    fc.assert(
      fc.property(
        payloadArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        (p, flips) => {
          const w = Uint8Array.from(frame(p));
          const hit = flips.map(([at]) => at % w.length);
          flips.forEach(([, x], i) => (w[hit[i]] ^= x));
          const { sink, errs } = unframe([w, frame(ascii('after'))]);
          const valid = sink.valid();
          assert.deepEqual(valid[valid.length - 1], ascii('after'));
          const before = valid.slice(0, -1);
          // The corrupted frame is either rejected (and reported) or, only if the flips left
          // the decoded frame intact (e.g. hit the FE prefix), delivered unchanged.
          for (const q of before) assert.deepEqual(q, p);
          // Silence is only possible when the start sequence itself (bytes 1-2) was destroyed:
          // then no frame ever began, which looks like line loss.
          if (before.length === 0 && errs.every((e) => e === Err.Ok)) {
            assert.ok(hit.some((i) => i === 1 || i === 2), 'corruption neither delivered nor reported');
          }
        },
      ),
      { numRuns: 500, seed: 0xc0de },
    );
  });
});

// The fast paths of issue 16 (runs hashed in tight loops): same bytes as byte at a time, and the
// buffer contracts on both sides (the framer's stream gets only the staging buffer; the sink gets
// views of the input, FF pairs included).
describe('framing: fast paths', () => {
  /** Frame bytes written out from the spec: escape, then the CRC over the wire bytes. */
  function reference(payload: Uint8Array, fe: boolean): Uint8Array {
    const esc = (x: number[]): number[] => x.flatMap((v) => (v === 0xff ? [0xff, 0xff] : [v]));
    const n = payload.length;
    const hashed = [0xff, 0xfd, ...esc([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24]), ...esc([...payload])];
    const crc = crc16ccitt(Buffer.from(hashed));
    return Uint8Array.from([...(fe ? [0xfe] : []), ...hashed, ...esc([crc & 0xff, crc >>> 8])]);
  }
  // Long payloads whose FFs fall on every staging-buffer position (runs, lone FFs, pairs).
  const longArb = fc.oneof(
    fc.uint8Array({ maxLength: 2100, size: 'max' }),
    fc.array(fc.oneof(fc.constant(0xff), fc.integer({ min: 0, max: 255 })), { maxLength: 700, size: 'max' }).map((a) => Uint8Array.from(a)),
    fc.tuple(fc.nat(200), fc.nat(200)).map(([a, z]) => Uint8Array.from([...Array(a).fill(7), ...Array(z).fill(0xff)])),
  );

  it('the framer writes the reference bytes under any chunking, in writes of 64 B from its own buffer', () => {
    fc.assert(
      fc.property(longArb, cutsArb, (p, cuts) => {
        // The payload sits inside a larger buffer so a view of it would be caught.
        const backing = new Uint8Array(p.length + 8);
        backing.set(p, 4);
        const payload = backing.subarray(4, 4 + p.length);
        const writes: Uint8Array[] = [];
        const f = new Framer({
          write(d) {
            const u = d as unknown as Uint8Array;
            assert.notEqual(u.buffer, backing.buffer, 'the stream got a view of the payload');
            writes.push(Uint8Array.from(u));
            return Err.Ok;
          },
        });
        assert.equal(f.start(u32(p.length)), Err.Ok);
        for (const c of chunk(payload, cuts)) assert.equal(f.writePayload(b(c)), Err.Ok);
        assert.equal(f.finish(), Err.Ok);
        assert.equal(toHex(cat(...writes)), toHex(reference(p, true)));
        writes.slice(0, -1).forEach((w) => assert.equal(w.length, 64));
      }),
      { numRuns: 300 },
    );
  });

  /** A sink that records each frameData as it came: its bytes and whether it was a view of `input`. */
  function viewSink(input: Uint8Array): { sink: FrameSink; calls: { data: Uint8Array; ofInput: boolean }[] } {
    const calls: { data: Uint8Array; ofInput: boolean }[] = [];
    const sink: FrameSink = {
      frameStart: () => Err.Ok,
      frameData: (d) => {
        const u = d as unknown as Uint8Array;
        calls.push({ data: Uint8Array.from(u), ofInput: u.buffer === input.buffer && u.byteOffset >= input.byteOffset && u.byteOffset + u.length <= input.byteOffset + input.length });
        return Err.Ok;
      },
      frameEnd: () => undefined,
    };
    return { sink, calls };
  }

  it('escaped FF pairs reach the sink in one call, as a view of the input (k pairs: their first k bytes)', () => {
    const payload = Uint8Array.from([1, 2, 0xff, 0xff, 0xff, 3, 0xff, 4]);
    const wire = reference(payload, false);
    const { sink, calls } = viewSink(wire);
    assert.equal(new Unframer(sink).write(b(wire)), Err.Ok);
    assert.deepEqual(calls.map((c) => toHex(c.data)), ['01 02', 'FF FF FF', '03', 'FF', '04']);
    assert.ok(calls.every((c) => c.ofInput));
  });

  it('a run reaches the sink in one call up to the frame end, as a view of the input; the CRC after it is checked', () => {
    const payload = Uint8Array.from({ length: 1000 }, (_, i) => i % 255);
    const wire = cat(reference(payload, false), reference(ascii('next'), false));
    const { sink, calls } = viewSink(wire);
    const ends: boolean[] = [];
    sink.frameEnd = (v) => void ends.push(v);
    assert.equal(new Unframer(sink).write(b(wire)), Err.Ok);
    assert.deepEqual(calls.map((c) => c.data.length), [1000, 4]);
    assert.ok(calls.every((c) => c.ofInput));
    assert.deepEqual(ends, [true, true]);
  });

  it('an FF pair split between two writes, or cut by the frame end, still decodes', () => {
    const payload = Uint8Array.from([0xff, 0xff, 9, 0xff]);
    const wire = reference(payload, false);
    for (let k = 0; k <= wire.length; k++) {
      const { sink, errs } = unframe([wire.subarray(0, k), wire.subarray(k)]);
      assert.deepEqual(errs, [Err.Ok, Err.Ok], `split ${k}`);
      assert.deepEqual(sink.valid(), [payload], `split ${k}`);
    }
  });
});
