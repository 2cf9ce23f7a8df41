// Difftest driver for the spec's test vectors (shared/spec/microtvm-wire.md §7.1, §7.2, §7.4):
// the input picks a vector program, the output is the wire bytes (or numbers) it produces.
// test/diff/vectors.test.ts checks the Node output against the spec and difftest checks the C
// output against Node, so the generated C is held to the vectors byte for byte.
//   'F' payload...   frame the payload with a framer in Reset (FE prefix)
//   'f' payload...   frame the payload with the same framer, now Idle (no prefix)
//   'T'              ValidPacketTrain: Packet1, Packet2, reset, Packet3
//   'C' data...      CRC-16 of the data (2 bytes LE)
//   'N' n            the nonce chain from n (6 bytes)
//   'S' 'n'|'d'|'l'  the session exchanges NormalExchange, DoubleStart, LogBeforeSessionStart
// @difftest cases=0 seed=1 outSize=512

import { u8, u16, u32, bytes, view, copy, rd8, wr8, wr16le, type Bytes } from '../../../firmware/lib/prelude.ts';
import { Err } from '../../../firmware/lib/errors.ts';
import { crc16 } from '../../../firmware/framing/crc16.ts';
import { Framer, type WriteStream } from '../../../firmware/framing/framer.ts';
import { Session, regenerateNonce, type RandomSource, type SessionListener } from '../../../firmware/session/session.ts';

/** Collects the wire bytes of everything written. */
class Wire implements WriteStream {
  readonly buf: Bytes = bytes(512);
  len: u32 = u32(0);
  write(data: Bytes): Err {
    copy(this.buf, this.len, data);
    this.len = u32(this.len + data.length);
    return Err.Ok;
  }
  /** Moves what was written to `out` at `at`; returns the new end. */
  drain(out: Bytes, at: u32): u32 {
    copy(out, at, view(this.buf, 0, this.len));
    const end = u32(at + this.len);
    this.len = u32(0);
    return end;
  }
}

/** A scripted nonce and a listener that ignores events: the vectors are about the wire. */
class Peer implements RandomSource, SessionListener {
  nonce: u8 = u8(0);
  randomByte(): u8 { return this.nonce; }
  established(): void {}
  terminated(): void {}
  message(type: u8, body: Bytes): void {}
  log(text: Bytes): void {}
}

const wire = new Wire();
const framer = new Framer(wire);
const alicePeer = new Peer();
const bobPeer = new Peer();
const aliceWire = new Wire();
const bobWire = new Wire();
const alice = new Session(aliceWire, alicePeer, alicePeer);
const bob = new Session(bobWire, bobPeer, bobPeer);
// A second pair that never initializes: logs before any session (LogBeforeSessionStart).
const aliceLog = new Session(aliceWire, alicePeer, alicePeer);
const bobLog = new Session(bobWire, bobPeer, bobPeer);
const text = bytes(5);

function ascii5(a: u8, b: u8, c: u8, d: u8, e: u8, n: u8): Bytes {
  wr8(text, 0, a); wr8(text, 1, b); wr8(text, 2, c); wr8(text, 3, d); wr8(text, 4, e);
  return view(text, 0, n);
}

/** alice (nonce 0x3C) and bob (0xAB): the wire bytes of each step, in order. */
function session(kind: u8, out: Bytes): u32 {
  alicePeer.nonce = u8(0x3c);
  bobPeer.nonce = u8(0xab);
  let at = u32(0);
  if (kind === 0x6c) { // 'l': logs before any initialize, with the FE of a fresh framer
    aliceLog.sendLog(ascii5(u8(0x6c), u8(0x6f), u8(0x67), u8(0x31), u8(0), u8(4)));
    at = aliceWire.drain(out, at);
    bobLog.sendLog(ascii5(u8(0x7a), u8(0x65), u8(0x72), u8(0x6f), u8(0), u8(4)));
    return bobWire.drain(out, at);
  }
  alice.initialize();
  at = aliceWire.drain(out, at);
  bob.initialize();
  bobWire.drain(out, u32(0)); // the same Terminate frame: kept once
  if (kind === 0x64) { // 'd': DoubleStart: both send Init; the lower nonce (bob's 0x66) wins
    at = u32(0); // the Terminate frames were shown by 'n'
    alice.startSession();
    at = aliceWire.drain(out, at);
    bob.startSession();
    at = bobWire.drain(out, at);
    alice.receive(view(out, u32(at - 12), at));
    return aliceWire.drain(out, at);
  }
  alice.startSession();
  at = aliceWire.drain(out, at);
  bob.receive(view(out, u32(at - 12), at));
  at = bobWire.drain(out, at);
  alice.receive(view(out, u32(at - 12), at));
  alice.sendMessage(u8(0x10), ascii5(u8(0x68), u8(0x65), u8(0x6c), u8(0x6c), u8(0x6f), u8(5)));
  at = aliceWire.drain(out, at);
  bob.sendMessage(u8(0x10), ascii5(u8(0x6f), u8(0x6c), u8(0x6c), u8(0x65), u8(0x68), u8(5)));
  at = bobWire.drain(out, at);
  alice.sendLog(ascii5(u8(0x6c), u8(0x6f), u8(0x67), u8(0x31), u8(0), u8(4)));
  at = aliceWire.drain(out, at);
  bob.sendLog(ascii5(u8(0x7a), u8(0x65), u8(0x72), u8(0x6f), u8(0), u8(4)));
  return bobWire.drain(out, at);
}

export function main(input: Bytes, output: Bytes): u32 {
  if (input.length === 0) return u32(0);
  const op = rd8(input, 0);
  const rest = view(input, 1, input.length);
  if (op === 0x46 || op === 0x66) { // 'F' / 'f'
    if (op === 0x46) framer.reset();
    framer.writeFrame(rest);
    return wire.drain(output, u32(0));
  }
  if (op === 0x54) { // 'T'
    framer.reset();
    framer.writeFrame(ascii5(u8(0x6f), u8(0x6e), u8(0x65), u8(0), u8(0), u8(3)));
    framer.writeFrame(ascii5(u8(0x74), u8(0x77), u8(0x6f), u8(0x32), u8(0), u8(4)));
    framer.reset();
    framer.writeFrame(ascii5(u8(0x74), u8(0x68), u8(0x72), u8(0x65), u8(0x65), u8(5)));
    return wire.drain(output, u32(0));
  }
  if (op === 0x43) { // 'C'
    wr16le(output, 0, crc16(rest, u16(0xffff)));
    return u32(2);
  }
  if (op === 0x4e) { // 'N'
    let n = rd8(input, 1);
    for (let i = u32(0); i < 6; i++) {
      n = regenerateNonce(n);
      wr8(output, i, n);
    }
    return u32(6);
  }
  if (op === 0x53) return session(rd8(input, 1), output); // 'S'
  return u32(0);
}
