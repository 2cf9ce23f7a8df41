// The host's fast payload loops (host/client/fast-framing.ts, host/client/crc16-slices.ts) against
// the FwTS framing they replace on the host's instances: the same CRC, the same wire bytes and
// errors from the framer, the same sink calls, errors and states from the unframer, on random
// and adversarial data (runs of FF, all-FF, empty, past the 8 KiB write step, every split point).
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { asBytes, u8, u16, u32, type Bytes } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import { crc16, CRC16_INIT, crc16Update } from '../../firmware/framing/crc16.ts';
import { Framer, type WriteStream } from '../../firmware/framing/framer.ts';
import { Unframer, type FrameSink } from '../../firmware/framing/unframer.ts';
import { MessageType, Session, SESSION_MAX_MESSAGE, type SessionListener } from '../../firmware/session/session.ts';
import { crc16FFs, crc16Run } from '../../host/client/crc16-slices.ts';
import { fastFramer, fastUnframer, useFastFraming } from '../../host/client/fast-framing.ts';
import { HostSession } from '../../host/client/session.ts';
import type { Transport } from '../../host/transport/transport.ts';
import { allocBytes, copyBytes } from '../../host/client/slab.ts';
import { cat } from './framing-helpers.ts';

/** Payloads where the fast paths could differ: random, FF-heavy, runs of FF, empty, all-FF,
 * one session message, and past the framer's 8 KiB write step. */
const payloadArb = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  fc.array(fc.oneof(fc.constant(0xff), fc.constant(0xfd), fc.constant(0xfe), fc.integer({ min: 0, max: 255 })), { maxLength: 300 }).map((a) => Uint8Array.from(a)),
  fc.tuple(fc.nat(40), fc.nat(40), fc.nat(40)).map(([a, z, c]) => Uint8Array.from([...Array(a).fill(7), ...Array(z).fill(0xff), ...Array(c).fill(1)])),
  fc.constant(new Uint8Array(0)),
  fc.nat(2100).map((n) => new Uint8Array(n).fill(0xff)),
  fc.uint8Array({ minLength: SESSION_MAX_MESSAGE, maxLength: SESSION_MAX_MESSAGE }),
  fc.tuple(fc.integer({ min: 8000, max: 17000 }), fc.integer({ min: 0, max: 255 })).map(([n, v]) => new Uint8Array(n).fill(v)),
);

/** Cut points (fractions) applied to a buffer. */
const cutsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 });
function chunk(a: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * a.length)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, a.length]) {
    out.push(a.subarray(prev, c));
    prev = c;
  }
  return out;
}

/** A stream that records what it took and can be told to fail. */
class Stream implements WriteStream {
  parts: Uint8Array[] = [];
  failWith: Err = Err.Ok;
  write(data: Bytes): Err {
    if (this.failWith !== Err.Ok) return this.failWith;
    this.parts.push(Uint8Array.from(data as unknown as Uint8Array));
    return Err.Ok;
  }
  bytes(): Uint8Array {
    return cat(...this.parts);
  }
}

/** A sink that logs every call (frameData's bytes as they came) and can refuse. */
class LogSink implements FrameSink {
  log: string[] = [];
  capacity = 1 << 20;
  refuseDataAt = -1;
  private got = 0;
  frameStart(len: u32): Err {
    this.log.push(`start ${len}`);
    this.got = 0;
    return len > this.capacity ? Err.SessionReceiveBufferShortWrite : Err.Ok;
  }
  frameData(d: Bytes): Err {
    const u = d as unknown as Uint8Array;
    this.log.push(`data ${Buffer.from(u).toString('hex')}`);
    this.got += u.length;
    return this.refuseDataAt >= 0 && this.got > this.refuseDataAt ? Err.SessionReceiveBufferShortWrite : Err.Ok;
  }
  frameEnd(valid: boolean): void {
    this.log.push(`end ${valid}`);
  }
}

/** The frames of `payloads` as the FwTS framer writes them (FE before the first). */
function wireOf(payloads: readonly Uint8Array[]): Uint8Array {
  const s = new Stream();
  const f = new Framer(s);
  for (const p of payloads) assert.equal(f.writeFrame(asBytes(p)), Err.Ok);
  return s.bytes();
}

describe('host fast framing: crc16Run (host tables) equals the FwTS byte-wise CRC', () => {
  it('over any slice of random and FF-heavy data, from any register', () => {
    fc.assert(
      fc.property(payloadArb, fc.nat(0xffff), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (d, seed, x, y) => {
        const from = Math.floor(Math.min(x, y) * d.length);
        const to = Math.floor(Math.max(x, y) * d.length);
        assert.equal(crc16Run(seed, d, from, to), crc16(asBytes(d.subarray(from, to)), u16(seed)));
      }),
      { numRuns: 400 },
    );
  });

  it('the check value, empty runs and FF runs', () => {
    assert.equal(crc16Run(CRC16_INIT, new TextEncoder().encode('123456789'), 0, 9), 0x29b1);
    assert.equal(crc16Run(0x1234, new Uint8Array(4), 2, 2), 0x1234);
    for (let n = 0; n < 40; n++) {
      let c = u16(0xbeef);
      for (let k = 0; k < n; k++) c = crc16Update(c, u8(0xff));
      assert.equal(crc16FFs(0xbeef, n), c, `${n} FFs`);
      assert.equal(crc16Run(0xbeef, new Uint8Array(n).fill(0xff), 0, n), c, `${n} FFs as a run`);
    }
  });
});

describe('host fast framing: Framer.writePayload', () => {
  it('the same wire bytes, errors and states as the FwTS framer, under any chunking and resets', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(payloadArb, cutsArb, fc.boolean()), { minLength: 1, maxLength: 4 }), (frames) => {
        const ref = new Stream();
        const fast = new Stream();
        const fr = new Framer(ref);
        const ff = fastFramer(new Framer(fast));
        const both = (op: (f: Framer) => Err, what: string): void => {
          assert.equal(op(ff), op(fr), what);
          assert.equal(ff.getState(), fr.getState(), what);
        };
        for (const [p, cuts, reset] of frames) {
          // Misuse first: payload before start.
          both((f) => f.writePayload(asBytes(p.subarray(0, 1))), 'payload before start');
          both((f) => f.start(u32(p.length)), 'start');
          for (const c of chunk(p, cuts)) both((f) => f.writePayload(asBytes(c)), 'payload');
          both((f) => f.writePayload(asBytes(Uint8Array.of(1))), 'one byte too many');
          both((f) => f.finish(), 'finish');
          if (reset) both((f) => (f.reset(), Err.Ok), 'reset');
        }
        assert.deepEqual(fast.bytes(), ref.bytes());
      }),
      { numRuns: 300 },
    );
  });

  it('a stream error: the same error and state, and the next frame starts with FE again', () => {
    fc.assert(
      fc.property(payloadArb, fc.nat(3), (p, failAt) => {
        const ref = new Stream();
        const fast = new Stream();
        const fr = new Framer(ref);
        const ff = fastFramer(new Framer(fast));
        const ops: ((f: Framer) => Err)[] = [
          (f) => f.start(u32(p.length)),
          (f) => f.writePayload(asBytes(p.subarray(0, p.length >>> 1))),
          (f) => f.writePayload(asBytes(p.subarray(p.length >>> 1))),
          (f) => f.finish(),
        ];
        ops.forEach((op, k) => {
          if (k === failAt) ref.failWith = fast.failWith = Err.FramingInvalidState;
          assert.equal(op(ff), op(fr), `op ${k}`);
          assert.equal(ff.getState(), fr.getState(), `op ${k}`);
        });
        ref.failWith = fast.failWith = Err.Ok;
        ref.parts = [];
        fast.parts = [];
        assert.equal(ff.writeFrame(asBytes(p)), fr.writeFrame(asBytes(p)));
        assert.deepEqual(fast.bytes(), ref.bytes());
      }),
      { numRuns: 200 },
    );
  });

  it('its writes are copies: the caller may change the payload afterwards', () => {
    const p = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
    const s = new Stream();
    const writes: Uint8Array[] = [];
    const f = fastFramer(new Framer({ write: (d) => (writes.push(d as unknown as Uint8Array), s.write(d)) }));
    assert.equal(f.writeFrame(asBytes(p)), Err.Ok);
    assert.ok(writes.every((w) => w.buffer !== p.buffer), 'the stream got a view of the payload');
    assert.deepEqual(s.bytes(), wireOf([p]));
  });
});

describe('host fast framing: Unframer run', () => {
  /** Feeds `parts` to a reference and a fast unframer; both sinks, errors, states and hints must agree. */
  function agree(parts: readonly Uint8Array[], setup: (s: LogSink) => void = () => undefined): string[] {
    const rs = new LogSink();
    const fs = new LogSink();
    setup(rs);
    setup(fs);
    const ru = new Unframer(rs);
    const fu = fastUnframer(new Unframer(fs));
    parts.forEach((p, k) => {
      assert.equal(fu.write(asBytes(p)), ru.write(asBytes(p)), `write ${k}`);
      assert.equal(fu.getState(), ru.getState(), `state after write ${k}`);
      assert.equal(fu.bytesNeeded(), ru.bytesNeeded(), `bytesNeeded after write ${k}`);
    });
    assert.deepEqual(fs.log, rs.log);
    return fs.log;
  }

  it('trains of frames under random chunking: the same sink calls, errors and states', () => {
    fc.assert(
      fc.property(fc.array(payloadArb, { minLength: 1, maxLength: 4 }), cutsArb, (payloads, cuts) => {
        const log = agree(chunk(wireOf(payloads), cuts));
        assert.equal(log.filter((l) => l === 'end true').length, payloads.length);
      }),
      { numRuns: 300 },
    );
  });

  it('damaged wire (flipped bytes, garbage, cut frames, FF FD inside frames): the same as the FwTS unframer', () => {
    fc.assert(
      fc.property(
        fc.array(payloadArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'cut', 'restart')), { maxLength: 6 }),
        cutsArb,
        (payloads, damage, cuts) => {
          let w = Array.from(wireOf(payloads));
          for (const [at, v, how] of damage) {
            const i = Math.floor(at * w.length);
            if (how === 'set') w[i] = v;
            else if (how === 'insert') w.splice(i, 0, v);
            else if (how === 'cut') w = w.slice(0, i).concat(w.slice(i + 1 + (v & 15)));
            else w.splice(i, 0, 0xff, 0xfd);
          }
          agree(chunk(Uint8Array.from(w), cuts));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a refused frame, and a sink that fails mid-frame: the same', () => {
    fc.assert(
      fc.property(fc.array(payloadArb, { minLength: 1, maxLength: 3 }), fc.nat(3000), fc.nat(3000), cutsArb, (payloads, cap, refuseAt, cuts) => {
        agree(chunk(wireOf(payloads), cuts), (s) => {
          s.capacity = cap;
          s.refuseDataAt = refuseAt;
        });
      }),
      { numRuns: 200 },
    );
  });

  it('every split point of frames with FF runs, FF pairs at the edges and an empty frame', () => {
    const payloads = [Uint8Array.from([0xff, 1, 2, 0xff, 0xff, 3, 0xff]), new Uint8Array(0), Uint8Array.from([9, 8, 0xff, 0xff, 0xff, 0xff, 7, 6, 5, 0xff]), new Uint8Array(40).fill(0xff)];
    const wire = wireOf(payloads);
    for (let k = 0; k <= wire.length; k++) {
      for (let m = k; m <= wire.length; m += 7) agree([wire.subarray(0, k), wire.subarray(k, m), wire.subarray(m)]);
    }
  });

  it('one byte at a time', () => {
    const wire = wireOf([Uint8Array.from({ length: 700 }, (_, i) => (i * 37) & 0xff), new Uint8Array(30).fill(0xff)]);
    agree(Array.from(wire, (x) => Uint8Array.of(x)));
  });
});

describe('host fast framing: on a Session', () => {
  class Side implements SessionListener {
    readonly out = new Stream();
    readonly session: Session;
    readonly got: string[] = [];
    constructor(nonce: number, fast: boolean) {
      this.session = new Session(this.out, { randomByte: () => u8(nonce) }, this);
      if (fast) useFastFraming(this.session);
    }
    take(): Uint8Array {
      const b = this.out.bytes();
      this.out.parts = [];
      return b;
    }
    established(): void {}
    terminated(): void {}
    log(): void {}
    message(type: u8, body: Bytes): void {
      this.got.push(`${type} ${Buffer.from(body as unknown as Uint8Array).toString('hex')}`);
    }
  }

  it('a host with the fast paths talks to a FwTS device in the same bytes as a FwTS host', () => {
    const bodies = [new Uint8Array(0), new Uint8Array(SESSION_MAX_MESSAGE - 3).fill(0xff), Uint8Array.from({ length: 1500 }, (_, i) => (i * 7) & 0xff)];
    const runs = [true, false].map((fast) => {
      const host = new Side(0x21, fast);
      const dev = new Side(0x42, false);
      host.session.initialize();
      dev.session.initialize();
      host.session.startSession();
      const wire: Uint8Array[] = [];
      const pass = (from: Side, to: Side): void => {
        const w = from.take();
        wire.push(w);
        to.session.receive(asBytes(w));
      };
      pass(host, dev);
      pass(dev, host);
      assert.ok(host.session.isEstablished() && dev.session.isEstablished());
      for (const body of bodies) {
        assert.equal(host.session.sendMessage(u8(MessageType.Normal), asBytes(body)), Err.Ok);
        pass(host, dev);
        assert.equal(dev.session.sendMessage(u8(MessageType.Normal), asBytes(body)), Err.Ok);
        pass(dev, host);
      }
      return { wire, host: host.got, dev: dev.got };
    });
    assert.deepEqual(runs[0], runs[1]);
    assert.equal(runs[0]?.host.length, bodies.length);
  });

  it('HostSession runs its Session with the fast paths (its framer writes a 2 KB message in one write)', () => {
    // A link that takes nothing anywhere: the message is framed without opening a session.
    const transport: Transport = { name: 'idle', onData: () => undefined, onClose: () => undefined, write: async () => undefined, close: async () => undefined };
    const hs = new HostSession(transport);
    const session = (hs as unknown as { session: Session }).session;
    const counted: number[] = [];
    const framer = (session as unknown as { framer: { out: WriteStream } }).framer;
    const inner = framer.out;
    framer.out = { write: (d) => (counted.push(d.length), inner.write(d)) };
    session.initialize();
    counted.length = 0;
    assert.equal(session.sendLog(asBytes(new Uint8Array(2000).fill(1))), Err.Ok);
    // The FwTS framer writes its 64-byte staging buffer 32 times; the host's framer once, then
    // finish() the staged tail and the CRC.
    assert.deepEqual(counted.length, 2, `${counted.length} stream writes`);
  });

  it('a Session or framing object without the fields it relies on is refused with a clear error', () => {
    assert.throws(() => useFastFraming({} as unknown as Session), /no framer\/unframer fields/);
    assert.throws(() => fastFramer({} as unknown as Framer), /Framer has no field out/);
    assert.throws(() => fastUnframer({ sink: 1, crc: 1, remaining: 1, accepted: 1 } as unknown as Unframer), /Unframer has no method fail/);
  });
});

describe('host/client/slab: small buffers from shared blocks', () => {
  it('buffers are zeroed, 8-byte aligned, never overlap, and large ones have their own store', () => {
    const bufs = Array.from({ length: 200 }, (_, i) => allocBytes((i * 97) % 1500));
    for (const b of bufs) {
      assert.ok(b.every((x) => x === 0));
      assert.equal(b.byteOffset % 8, 0);
      b.fill(0xab);
    }
    // Writing every buffer full left the others' bytes to their owners: no overlap.
    for (const b of bufs) assert.ok(b.every((x) => x === 0xab));
    const big = allocBytes(100_000);
    assert.equal(big.byteOffset, 0);
    assert.equal(big.buffer.byteLength, 100_000);
    const src = Uint8Array.from({ length: 50 }, (_, i) => i);
    assert.deepEqual(copyBytes(src, 5, 20), src.slice(5, 20));
    assert.deepEqual(copyBytes(src), src);
  });
});
