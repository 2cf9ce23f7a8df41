// The host side of the session and RPC fuzz targets: it opens a session the proper way (Init,
// the device's Reply gives the session id), then turns the fuzz input into messages, each with a
// correct session header, escaping and CRC unless the input asks for damage, and keeps a model
// of the device's session (established, id, version) to know what each message must do.
//
// Records (structured mode), after the target's own ops (0-2):
//   ctl & 7: 3 Log [u16 len][body], 4 Init [u8 nonce][u8 version][u16 len][extra body],
//            5 Terminate, 6 Reply [u8 init][u8 resp][u16 len][body], 7 noise [u16 n][n raw bytes]
// then the frame options, in this order, each present when its ctl bit is set:
//   bit 3: another session id [u16 xor] (Init: a responder byte [u8]; Reply: none);
//   bit 4: damaged CRC [u16 xor]; bit 5: cut short before its CRC [u16 at];
//   bit 7: an FF FE no-op pair before payload byte [u8 at]; bit 6: an FE prefix (no byte).
// Damaged and cut frames are followed by a 00 byte, so whatever the cut left is dropped when
// the next frame starts: they never reach the device, and the model stays exact. Noise can
// form frames by chance: the model is "uncertain" until the next Init it answers.

import { u8, u16, u32, bytes, view, copy, modu, rd8, type Bytes, type bool } from '../../../firmware/lib/prelude.ts';
import {
  Inv, check, bit, Wire, Input, Rng, DeviceOutput, frameStarts, resync,
  MAX_MESSAGE, MAX_MESSAGE_V2, MAX_MESSAGE_V3, MAX_FRAME_WIRE, type FrameListener,
} from './fuzz_lib.ts';

export const T_INIT = 0x00;
export const T_REPLY = 0x01;
export const T_TERMINATE = 0x02;
export const T_LOG = 0x03;
export const T_NORMAL = 0x10;
export const T_RELIABLE = 0x11;
export const T_COMPACT = 0x12;

/** Bytes into the device under test. */
export interface Link {
  rx(d: Bytes): void;
}

/** Sorts what the device sends: Terminate, Reply, data frames. */
export class Frames implements FrameListener {
  /** Terminate is legal only right after the device's initialize()/boot(). */
  allowTerminate: bool = false;
  terminates: u32 = u32(0);
  replies: u32 = u32(0);
  replyInit: u8 = u8(0);
  replyResp: u8 = u8(0);
  replyVersion: u8 = u8(0);
  /** Frames of any other type (RPC replies, echoes): the last one is kept. */
  data: u32 = u32(0);
  readonly last: Bytes = bytes(MAX_MESSAGE_V3);
  lastLen: u32 = u32(0);

  clear(): void {
    this.terminates = u32(0);
    this.replies = u32(0);
    this.data = u32(0);
  }

  deviceFrame(p: Bytes): void {
    const type: u8 = rd8(p, 2);
    if (type === T_TERMINATE) {
      // The device's own Terminate: id 0, no body.
      check(this.allowTerminate && p.length === 3 && rd8(p, 0) === 0 && rd8(p, 1) === 0, Inv.OutputMessage);
      this.terminates = u32(this.terminates + 1);
    } else if (type === T_REPLY) {
      check(p.length === 4 && rd8(p, 0) !== 0 && rd8(p, 1) !== 0, Inv.Handshake);
      this.replies = u32(this.replies + 1);
      this.replyInit = rd8(p, 0);
      this.replyResp = rd8(p, 1);
      this.replyVersion = rd8(p, 3);
    } else {
      // A device never sends Init (it never starts a session) nor, here, Logs.
      check(type !== T_INIT && type !== T_LOG, Inv.OutputMessage);
      this.data = u32(this.data + 1);
      copy(this.last, u32(0), p);
      this.lastLen = p.length;
    }
  }

  lastFrame(): Bytes {
    return view(this.last, u32(0), this.lastLen);
  }
}

export class Peer {
  readonly inp: Input;
  readonly out: DeviceOutput;
  readonly frames: Frames;
  readonly link: Link;
  readonly rng: Rng = new Rng();
  readonly wire: Wire = new Wire();
  private readonly hdr: Bytes = bytes(4);
  /** The model of the device's session. */
  est: bool = false;
  sid: u16 = u16(0);
  version: u8 = u8(1);
  /** The model is exact (no noise since the last answered Init). */
  certain: bool = true;
  /** The highest session version the device speaks (its Reply must pick min(offered, this)). */
  maxVersion: u8 = u8(1);
  chunkMode: u8 = u8(0);
  /** FF FD pairs fed and frames the device sent while being fed (per input). */
  starts: u32 = u32(0);
  answers: u32 = u32(0);
  private prevFF: bool = false;
  private nonce: u8 = u8(0x40);

  constructor(inp: Input, out: DeviceOutput, frames: Frames, link: Link) {
    this.inp = inp;
    this.out = out;
    this.frames = frames;
    this.link = link;
  }

  /** Start of an input: the parser and the counters, then bytes that end any frame in progress. */
  begin(chunkMode: u8, seed: u32): void {
    this.chunkMode = chunkMode;
    this.rng.seed(seed);
    this.out.reset();
    this.starts = u32(0);
    this.answers = u32(0);
    this.prevFF = false;
    this.est = false;
    this.sid = u16(0);
    this.version = u8(1);
    this.certain = true;
    this.wire.clear();
    resync(this.wire);
    this.feed(this.wire.bytes());
    this.frames.clear();
  }

  /** Feeds d to the device in chunks; every chunk's output is bounded by the frames it starts. */
  feed(d: Bytes): void {
    let at: u32 = u32(0);
    while (at < d.length) {
      let n: u32 = u32(d.length - at);
      if (this.chunkMode === 1) {
        n = u32(1);
      } else if (this.chunkMode === 2) {
        n = this.rng.size(u32(13));
      } else if (this.chunkMode === 3) {
        n = this.rng.size(u32(200));
      }
      if (n > u32(d.length - at)) {
        n = u32(d.length - at);
      }
      const c: Bytes = view(d, at, u32(at + n));
      const k: u32 = frameStarts(c, this.prevFF);
      this.prevFF = rd8(c, u32(c.length - 1)) === 0xff;
      this.starts = u32(this.starts + k);
      this.out.mark(u32((k + 1) * MAX_FRAME_WIRE));
      this.link.rx(c);
      this.answers = u32(this.answers + this.out.framesSince);
      check(this.answers <= this.starts, Inv.OutputBound);
      check(this.out.idle(), Inv.OutputFrame);
      at = u32(at + n);
    }
  }

  /** Builds [sid, type] + a + b (options from ctl and the input) and feeds it. Returns true when
   * the frame arrives intact and fits the device's buffer (MAX_MESSAGE). */
  send(sid: u16, type: u8, a: Bytes, b: Bytes, ctl: u8): bool {
    let damage: u16 = u16(0);
    if (bit(ctl, u8(0x10))) {
      damage = u16(this.inp.next16() | 1);
    }
    let cut: u32 = u32(0xffffffff);
    if (bit(ctl, u8(0x20))) {
      cut = u32(this.inp.next16());
    }
    const w = this.wire;
    w.clear();
    if (bit(ctl, u8(0x80))) {
      w.nopAt = u32(this.inp.next());
    }
    const len: u32 = u32(3 + a.length + b.length);
    w.begin(len, bit(ctl, u8(0x40)));
    w.put(u8(sid));
    w.put(u8(sid >>> 8));
    w.put(type);
    w.putBytes(a);
    w.putBytes(b);
    w.end(damage);
    let whole: bool = damage === 0;
    if (cut !== 0xffffffff && w.crcAt !== 0) {
      // Somewhere before the CRC field, then a 00 (see the top of this file).
      w.len = modu(cut, w.crcAt);
      w.raw(u8(0));
      whole = false;
    } else if (damage !== 0) {
      w.raw(u8(0));
    }
    // The device takes what fits its session's limit, fixed when the frame starts.
    let limit: u32 = u32(MAX_MESSAGE);
    if (this.est && this.version >= 3) {
      limit = u32(MAX_MESSAGE_V3);
    } else if (this.est && this.version === 2) {
      limit = u32(MAX_MESSAGE_V2);
    }
    this.frames.clear();
    this.feed(w.bytes());
    return whole && len <= limit;
  }

  /** The id an op uses: ours, or with bit 3 of ctl one made wrong by the input. */
  sidFor(ctl: u8, base: u16): u16 {
    if (bit(ctl, u8(0x08))) {
      return u16(base ^ this.inp.next16());
    }
    return base;
  }

  /** Opens a session with nonce n (not 0) offering version v; the device must answer one Reply. */
  handshake(n: u8, v: u8): void {
    this.hdr[0] = v;
    this.initWith(n, view(this.hdr, u32(0), u32(0)), u8(0));
    check(this.est && this.certain, Inv.Handshake);
  }

  /** One of the common ops (3..7). For a Log, returns true when it must reach the device's
   * listener (meaningful while `certain`). */
  control(op: u8, ctl: u8): bool {
    const empty: Bytes = view(this.hdr, u32(0), u32(0));
    if (op === 7) {
      this.noise(this.inp.take(u32(this.inp.next16() & 0x1ff)));
      return false;
    }
    if (op === 4) {
      const n: u8 = this.inp.next();
      this.hdr[0] = this.inp.next();
      const len: u32 = u32(this.inp.next16() & 0xfff);
      // The Init body: the version byte, then whatever else the input gives (ignored by TVM).
      this.initWith(n, this.inp.take(len), ctl);
      return false;
    }
    if (op === 5) {
      const sid: u16 = this.sidFor(ctl, u16(0));
      const ok: bool = this.send(sid, u8(T_TERMINATE), empty, empty, ctl);
      if (ok && this.certain) {
        this.est = false;
        this.sid = u16(0);
        this.version = u8(1);
      }
      return false;
    }
    if (op === 6) {
      const a: u8 = this.inp.next();
      const b: u8 = this.inp.next();
      const len: u32 = u32(this.inp.next16() & 0xfff);
      this.send(u16(a | (b << 8)), u8(T_REPLY), this.inp.take(len), empty, ctl);
      // A device never initiates: a Reply is always stale for it, and ignored.
      if (this.certain) {
        check(this.frames.replies === 0 && this.frames.data === 0, Inv.OutputMessage);
      }
      return false;
    }
    // op 3: Log, delivered with id 0 or the current id.
    const len: u32 = u32(this.inp.next16() & 0xfff);
    const text: Bytes = this.inp.take(len);
    const sid: u16 = this.sidFor(ctl, this.est ? this.sid : u16(0));
    const ok: bool = this.send(sid, u8(T_LOG), text, empty, ctl);
    if (this.certain) {
      check(this.frames.replies === 0 && this.frames.data === 0, Inv.OutputMessage);
    }
    return ok && this.certain && (sid === 0 || (this.est && sid === this.sid));
  }

  /** Init with the version byte in hdr[0] and `extra` after it. */
  private initWith(n: u8, extra: Bytes, ctl: u8): void {
    const resp: u16 = bit(ctl, u8(0x08)) ? u16(this.inp.next() << 8) : u16(0);
    const ok: bool = this.send(u16(n | resp), u8(T_INIT), view(this.hdr, u32(0), u32(1)), extra, ctl);
    if (!ok || n === 0) {
      // Not received (or nonce 0, ignored): no Reply, whatever the state.
      check(this.frames.replies === 0, Inv.Handshake);
      return;
    }
    check(this.frames.replies === 1 && this.frames.replyInit === n, Inv.Handshake);
    const v: u8 = this.frames.replyVersion;
    // The highest version both speak, never below 1.
    let want: u8 = this.hdr[0] < this.maxVersion ? this.hdr[0] : this.maxVersion;
    if (want < 1) {
      want = u8(1);
    }
    check(v === want, Inv.Handshake);
    this.est = true;
    this.sid = u16(n | (this.frames.replyResp << 8));
    this.version = v;
    this.certain = true;
  }

  /** Raw bytes, then a resync so the next frame starts clean. Whatever the bytes formed is
   * unknown: the model is uncertain afterwards. Replies seen still tell the id. */
  noise(d: Bytes): void {
    this.frames.clear();
    this.feed(d);
    this.wire.clear();
    resync(this.wire);
    this.feed(this.wire.bytes());
    if (this.frames.replies !== 0) {
      this.sid = u16(this.frames.replyInit | (this.frames.replyResp << 8));
      this.version = this.frames.replyVersion;
    }
    this.certain = false;
  }

  /** A nonce for our own Inits that differs from the last one. */
  nextNonce(): u8 {
    this.nonce = u8(this.nonce + 0x35);
    if (this.nonce === 0) {
      this.nonce = u8(1);
    }
    return this.nonce;
  }
}
