import { strict as assert } from 'node:assert';
import { u8, u32 } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import { Framer } from '../../firmware/framing/framer.ts';
import {
  MessageType,
  regenerateNonce,
  SessionState,
  SESSION_MAX_MESSAGE,
} from '../../firmware/session/session.ts';
import { ascii, b, CaptureStream, cat, hex, toHex } from './framing-helpers.ts';
import { endpoint } from './session-helpers.ts';

// Spec §7.2 (TVM session_test.cc): alice plays the host (nonce 0x3C), bob the device (0xAB).
const V = {
  terminate: hex('FE FF FD 03 00 00 00 00 00 02 66 77'),
  init: hex('FF FD 04 00 00 00 82 00 00 01 7B E9'),
  reply: hex('FF FD 04 00 00 00 82 66 01 01 81 F3'),
  hello: hex('FF FD 08 00 00 00 82 66 10 68 65 6C 6C 6F 90 28'),
  olleh: hex('FF FD 08 00 00 00 82 66 10 6F 6C 6C 65 68 4C 76'),
  log1: hex('FF FD 07 00 00 00 00 00 03 6C 6F 67 31 F0 D4'),
  zero: hex('FF FD 07 00 00 00 00 00 03 7A 65 72 6F B2 68'),
  bobInit: hex('FF FD 04 00 00 00 66 00 00 01 60 A7'),
  aliceAcceptsBob: hex('FF FD 04 00 00 00 66 45 01 01 0C 62'),
};

/** Frames `payload` with a framer that is already Idle (no FE). */
function rawFrame(payload: Uint8Array): Uint8Array {
  const out = new CaptureStream();
  const f = new Framer(out);
  f.writeFrame(b(new Uint8Array(0)));
  out.take();
  f.writeFrame(b(payload));
  return out.take();
}

/** Alice and bob established with session id 0x6682, outputs drained. */
function established() {
  const alice = endpoint(0x3c);
  const bob = endpoint(0xab);
  alice.s.initialize();
  bob.s.initialize();
  alice.s.startSession();
  bob.s.receive(b(alice.out.take()));
  alice.s.receive(b(bob.out.take()));
  alice.rec.take();
  bob.rec.take();
  assert.equal(alice.s.sessionId(), 0x6682);
  assert.equal(bob.s.sessionId(), 0x6682);
  return { alice, bob };
}

describe('session: nonces (spec §3.3, §7.4)', () => {
  it('regenerates 0x3C as 82 45 A3 66 C4 87, 0xAB->0x66, 0x00->0x01, 0xFF->0xE8', () => {
    const chain: number[] = [];
    let n = u8(0x3c);
    for (let i = 0; i < 6; i++) chain.push((n = regenerateNonce(n)));
    assert.deepEqual(chain, [0x82, 0x45, 0xa3, 0x66, 0xc4, 0x87]);
    assert.equal(regenerateNonce(u8(0xab)), 0x66);
    assert.equal(regenerateNonce(u8(0x00)), 0x01);
    assert.equal(regenerateNonce(u8(0xff)), 0xe8);
  });

  it('never yields 0 and stays in 0x01..0xE8 (bits 3-4 are dropped)', () => {
    for (let n = 0; n < 256; n++) {
      const r = regenerateNonce(u8(n));
      assert.ok(r >= 1 && r <= 0xe8, `${n} -> ${r}`);
      assert.equal(regenerateNonce(u8(n ^ 0x18)), r);
    }
  });
});

describe('session: TVM vectors (spec §3.5, §7.2)', () => {
  it('NormalExchange: Terminate, Init, Reply, Normal both ways, Logs both ways', () => {
    const alice = endpoint(0x3c);
    const bob = endpoint(0xab);
    assert.equal(alice.s.initialize(), Err.Ok);
    assert.equal(toHex(alice.out.take()), toHex(V.terminate));
    assert.equal(bob.s.initialize(), Err.Ok);
    assert.equal(toHex(bob.out.take()), toHex(V.terminate));
    assert.equal(alice.s.getState(), SessionState.NoSession);

    assert.equal(alice.s.startSession(), Err.Ok);
    assert.equal(toHex(alice.out.take()), toHex(V.init));
    assert.equal(alice.s.getState(), SessionState.StartSent);

    assert.equal(bob.s.receive(b(V.init)), Err.Ok);
    assert.equal(toHex(bob.out.take()), toHex(V.reply));
    assert.deepEqual(bob.rec.take(), [{ kind: 'established', sid: 0x6682 }]);

    assert.equal(alice.s.receive(b(V.reply)), Err.Ok);
    assert.deepEqual(alice.rec.take(), [{ kind: 'established', sid: 0x6682 }]);
    assert.ok(alice.s.isEstablished() && bob.s.isEstablished());

    assert.equal(alice.s.sendMessage(u8(MessageType.Normal), b(ascii('hello'))), Err.Ok);
    assert.equal(toHex(alice.out.take()), toHex(V.hello));
    bob.s.receive(b(V.hello));
    assert.deepEqual(bob.rec.take(), [{ kind: 'message', type: 0x10, body: ascii('hello') }]);

    assert.equal(bob.s.sendMessage(u8(MessageType.Normal), b(ascii('olleh'))), Err.Ok);
    assert.equal(toHex(bob.out.take()), toHex(V.olleh));
    alice.s.receive(b(V.olleh));
    assert.deepEqual(alice.rec.take(), [{ kind: 'message', type: 0x10, body: ascii('olleh') }]);

    assert.equal(alice.s.sendLog(b(ascii('log1'))), Err.Ok);
    assert.equal(toHex(alice.out.take()), toHex(V.log1));
    bob.s.receive(b(V.log1));
    assert.deepEqual(bob.rec.take(), [{ kind: 'log', text: ascii('log1') }]);
    assert.equal(bob.s.sendLog(b(ascii('zero'))), Err.Ok);
    assert.equal(toHex(bob.out.take()), toHex(V.zero));
    alice.s.receive(b(V.zero));
    assert.deepEqual(alice.rec.take(), [{ kind: 'log', text: ascii('zero') }]);
  });

  it('LogBeforeSessionStart: logs go out before initialize(), the first with FE, and are delivered', () => {
    const alice = endpoint(0x3c);
    const bob = endpoint(0xab);
    assert.equal(alice.s.getState(), SessionState.Reset);
    assert.equal(alice.s.sendLog(b(ascii('log1'))), Err.Ok);
    assert.equal(toHex(alice.out.take()), toHex(cat(hex('FE'), V.log1)));
    assert.equal(bob.s.sendLog(b(ascii('zero'))), Err.Ok);
    assert.equal(toHex(bob.out.take()), toHex(cat(hex('FE'), V.zero)));
    bob.s.receive(b(cat(hex('FE'), V.log1)));
    alice.s.receive(b(cat(hex('FE'), V.zero)));
    assert.deepEqual(bob.rec.take(), [{ kind: 'log', text: ascii('log1') }]);
    assert.deepEqual(alice.rec.take(), [{ kind: 'log', text: ascii('zero') }]);
  });

  it('DoubleStart: both send Init, the lower nonce (0x66) wins, session id 0x4566', () => {
    const alice = endpoint(0x3c);
    const bob = endpoint(0x3c);
    alice.s.initialize();
    bob.s.initialize();
    alice.out.take();
    bob.out.take();
    // bob's nonce: regen(0x3C) = 0x82, then 0x45, then 0xA3, then 0x66 for its Init.
    for (let i = 0; i < 3; i++) bob.s.startSession();
    bob.out.take();
    alice.s.startSession();
    assert.equal(toHex(alice.out.take()), toHex(V.init));
    bob.s.startSession();
    assert.equal(toHex(bob.out.take()), toHex(V.bobInit));

    // bob (0x66) ignores alice's higher Init (0x82) without output; the test's trailing NUL is garbage.
    bob.s.receive(b(cat(V.init, hex('00'))));
    assert.equal(bob.out.take().length, 0);
    assert.equal(bob.s.getState(), SessionState.StartSent);

    alice.s.receive(b(cat(V.bobInit, hex('00'))));
    assert.equal(toHex(alice.out.take()), toHex(V.aliceAcceptsBob));
    assert.deepEqual(alice.rec.take(), [{ kind: 'established', sid: 0x4566 }]);

    bob.s.receive(b(V.aliceAcceptsBob));
    assert.deepEqual(bob.rec.take(), [{ kind: 'established', sid: 0x4566 }]);
  });

  it('equal nonces in a double start: both draw again', () => {
    const alice = endpoint(0x3c);
    const bob = endpoint(0x3c);
    alice.s.initialize();
    bob.s.initialize();
    alice.out.take();
    bob.out.take();
    alice.s.startSession();
    bob.s.startSession();
    const ai = alice.out.take();
    const bi = bob.out.take();
    assert.equal(toHex(ai), toHex(V.init));
    bob.s.receive(b(ai));
    alice.s.receive(b(bi));
    // Each sent a fresh Init with nonce regen(0x82) = 0x45.
    const expected = toHex(rawFrame(hex('45 00 00 01')));
    assert.equal(toHex(alice.out.take()), expected);
    assert.equal(toHex(bob.out.take()), expected);
  });
});

describe('session: rules and robustness (spec §3.4, §3.6, §3.7, §9.3)', () => {
  const normal = (sid: number, body: string) => rawFrame(cat(hex(`${(sid & 0xff).toString(16)} ${(sid >> 8).toString(16)} 10`), ascii(body)));

  it('Normal messages need a session: sending gives SessionInvalidState, receiving drops them', () => {
    const alice = endpoint(0x3c);
    assert.equal(alice.s.sendMessage(u8(MessageType.Normal), b(ascii('x'))), Err.SessionInvalidState);
    alice.s.initialize();
    assert.equal(alice.s.sendMessage(u8(MessageType.Normal), b(ascii('x'))), Err.SessionInvalidState);
    alice.s.receive(b(V.hello));
    assert.deepEqual(alice.rec.take(), []);
  });

  it('control types cannot be sent through sendMessage', () => {
    const { alice } = established();
    for (const t of [MessageType.StartSessionInit, MessageType.StartSessionReply, MessageType.TerminateSession]) {
      assert.equal(alice.s.sendMessage(u8(t), b(ascii(''))), Err.SessionInvalidState);
    }
    assert.equal(alice.out.take().length, 0);
  });

  it('startSession before initialize is refused', () => {
    const alice = endpoint(0x3c);
    assert.equal(alice.s.startSession(), Err.SessionInvalidState);
    assert.equal(alice.out.take().length, 0);
  });

  it('stale session ids are rejected, and the next good message still gets through', () => {
    const { bob } = established();
    bob.s.receive(b(normal(0x6683, 'stale')));
    bob.s.receive(b(normal(0x0000, 'zero')));
    bob.s.receive(b(normal(0x6682, 'good')));
    assert.deepEqual(bob.rec.take(), [{ kind: 'message', type: 0x10, body: ascii('good') }]);
  });

  it('unknown message types are delivered like Normal within the session, dropped otherwise', () => {
    const { bob } = established();
    bob.s.receive(b(rawFrame(cat(hex('82 66 42'), ascii('x')))));
    bob.s.receive(b(rawFrame(cat(hex('00 00 42'), ascii('y')))));
    assert.deepEqual(bob.rec.take(), [{ kind: 'message', type: 0x42, body: ascii('x') }]);
    assert.equal(bob.s.sendMessage(u8(0x42), b(ascii('z'))), Err.Ok);
  });

  it('a bad-CRC request is never executed later (TVM §9.3.1)', () => {
    const { bob } = established();
    const bad = Uint8Array.from(V.hello);
    bad[bad.length - 1] ^= 0x40;
    assert.equal(bob.s.receive(b(bad)), Err.FramingCrcMismatch);
    assert.deepEqual(bob.rec.take(), []);
    bob.s.receive(b(normal(0x6682, 'next')));
    assert.deepEqual(bob.rec.take(), [{ kind: 'message', type: 0x10, body: ascii('next') }]);
  });

  it('an aborted frame leaves nothing behind (FF FD mid-frame, invalid escape)', () => {
    const { bob } = established();
    assert.equal(bob.s.receive(b(cat(V.hello.subarray(0, 12), normal(0x6682, 'a')))), Err.FramingShortPacket);
    assert.equal(bob.s.receive(b(cat(V.hello.subarray(0, 12), hex('FF 00'), normal(0x6682, 'b')))), Err.FramingInvalidEscape);
    assert.deepEqual(bob.rec.take(), [
      { kind: 'message', type: 0x10, body: ascii('a') },
      { kind: 'message', type: 0x10, body: ascii('b') },
    ]);
  });

  it('malformed control messages (initiator 0, responder 0, extra bytes, runt frames) do not shift the next one (TVM §9.3.2)', () => {
    const { alice, bob } = established();
    bob.s.receive(b(rawFrame(hex('00 00 00 01')))); // Init with initiator 0: ignored
    bob.s.receive(b(rawFrame(hex('82 00 00')))); // Init without a version byte: ignored
    alice.s.receive(b(rawFrame(hex('82 00 01 01')))); // Reply with responder 0: ignored
    bob.s.receive(b(rawFrame(hex('00')))); // shorter than a header
    bob.s.receive(b(rawFrame(new Uint8Array(0))));
    assert.equal(bob.out.take().length, 0);
    assert.equal(alice.out.take().length, 0);
    assert.equal(bob.s.sessionId(), 0x6682);
    assert.equal(alice.s.sessionId(), 0x6682);
    bob.s.receive(b(normal(0x6682, 'ok')));
    assert.deepEqual(bob.rec.take(), [{ kind: 'message', type: 0x10, body: ascii('ok') }]);
    assert.deepEqual(alice.rec.take(), []);
  });

  it('logs: sid 0 or the current sid are delivered in any state, others dropped; empty logs are fine', () => {
    const { bob } = established();
    bob.s.receive(b(rawFrame(hex('00 00 03'))));
    bob.s.receive(b(rawFrame(cat(hex('82 66 03'), ascii('mine')))));
    bob.s.receive(b(rawFrame(cat(hex('11 22 03'), ascii('other')))));
    bob.s.receive(b(normal(0x6682, 'after')));
    assert.deepEqual(bob.rec.take(), [
      { kind: 'log', text: new Uint8Array(0) },
      { kind: 'log', text: ascii('mine') },
      { kind: 'message', type: 0x10, body: ascii('after') },
    ]);
  });

  it('a message longer than the receive buffer is refused without wedging the receiver', () => {
    const { bob } = established();
    const big = new Uint8Array(SESSION_MAX_MESSAGE - 3 + 1).fill(0x61);
    assert.equal(bob.s.receive(b(rawFrame(cat(hex('82 66 10'), big)))), Err.SessionReceiveBufferShortWrite);
    const fits = big.subarray(1);
    assert.equal(bob.s.receive(b(rawFrame(cat(hex('82 66 10'), fits)))), Err.Ok);
    const ev = bob.rec.take();
    assert.equal(ev.length, 1);
    assert.deepEqual(ev[0], { kind: 'message', type: 0x10, body: fits });
  });

  it('the peer terminating an established session: Terminate moves to NoSession; old-session traffic is dropped', () => {
    const { alice, bob } = established();
    alice.s.receive(b(V.terminate)); // bob rebooted
    assert.deepEqual(alice.rec.take(), [{ kind: 'terminated' }]);
    assert.equal(alice.s.getState(), SessionState.NoSession);
    assert.equal(alice.s.sendMessage(u8(MessageType.Normal), b(ascii('x'))), Err.SessionInvalidState);
    alice.s.receive(b(V.olleh));
    assert.deepEqual(alice.rec.take(), []);
    // A second Terminate is ignored outside a session.
    alice.s.receive(b(V.terminate));
    assert.deepEqual(alice.rec.take(), []);
    void bob;
  });

  it('a streamed message that is never finished does not block later sends; the peer drops it', () => {
    const { alice, bob } = established();
    assert.equal(alice.s.startMessage(u8(0x10), u32(10)), Err.Ok);
    assert.equal(alice.s.writeMessageBody(b(ascii('abc'))), Err.Ok);
    // Abandoned: without an abort every send would now fail with FramingInvalidState.
    assert.equal(alice.s.sendMessage(u8(0x10), b(ascii('x'))), Err.FramingInvalidState);
    alice.s.abortMessage();
    assert.equal(alice.s.sendMessage(u8(0x10), b(ascii('next'))), Err.Ok);
    bob.s.receive(b(alice.out.take()));
    assert.deepEqual(bob.rec.take(), [{ kind: 'message', type: 0x10, body: ascii('next') }]);
  });

  it('a stream failing part-way resets the framer (as in TVM), and initialize() gives up an unfinished message', () => {
    const { alice, bob } = established();
    alice.out.failWith = Err.WriteStreamShortWrite;
    assert.equal(alice.s.sendMessage(u8(0x10), b(new Uint8Array(300))), Err.WriteStreamShortWrite);
    alice.out.failWith = Err.Ok;
    alice.out.take();
    assert.equal(alice.s.sendMessage(u8(0x10), b(ascii('ok'))), Err.Ok);
    bob.s.receive(b(alice.out.take()));
    assert.deepEqual(bob.rec.take(), [{ kind: 'message', type: 0x10, body: ascii('ok') }]);
    assert.equal(alice.s.startMessage(u8(0x10), u32(5)), Err.Ok);
    assert.equal(alice.s.initialize(), Err.Ok, 'initialize() gives up the unfinished message');
  });

  it('a duplicate Init (lost Reply) gets a new Reply; the host follows only replies to its current nonce', () => {
    const { alice, bob } = established();
    // alice's Init arrives again at an established bob: new responder nonce regen(0x66) = 0xC4.
    bob.s.receive(b(V.init));
    const reply2 = bob.out.take();
    assert.equal(toHex(reply2), toHex(rawFrame(hex('82 C4 01 01'))));
    assert.deepEqual(bob.rec.take(), [{ kind: 'established', sid: 0xc482 }]);
    // alice (established, nonce 0x82) adopts it: both ends agree again.
    alice.s.receive(b(reply2));
    assert.deepEqual(alice.rec.take(), [{ kind: 'established', sid: 0xc482 }]);
    // The same Reply again changes nothing; a Reply to another nonce is ignored.
    alice.s.receive(b(reply2));
    alice.s.receive(b(rawFrame(hex('83 77 01 01'))));
    assert.deepEqual(alice.rec.take(), []);
    assert.equal(alice.s.sessionId(), 0xc482);
    assert.ok(alice.s.isEstablished());
  });

  it('a Reply with the wrong version is ignored by the initiator (spec §3.2)', () => {
    const alice = endpoint(0x3c);
    alice.s.initialize();
    alice.s.startSession();
    alice.s.receive(b(rawFrame(hex('82 66 01 02'))));
    assert.equal(alice.s.getState(), SessionState.StartSent);
    alice.s.receive(b(V.reply));
    assert.equal(alice.s.getState(), SessionState.Established);
  });

  it('streams a message in parts: same bytes as sendMessage', () => {
    const { alice } = established();
    assert.equal(alice.s.startMessage(u8(MessageType.Normal), u32(5)), Err.Ok);
    assert.equal(alice.s.writeMessageBody(b(ascii('he'))), Err.Ok);
    assert.equal(alice.s.writeMessageBody(b(ascii('llo'))), Err.Ok);
    assert.equal(alice.s.finishMessage(), Err.Ok);
    assert.equal(toHex(alice.out.take()), toHex(V.hello));
  });

  it('bytesNeeded is the unframer hint', () => {
    const { bob } = established();
    assert.equal(bob.s.bytesNeeded(), 1);
    bob.s.receive(b(V.hello.subarray(0, 6)));
    assert.equal(bob.s.bytesNeeded(), 8);
  });
});
