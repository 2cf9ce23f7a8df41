// A device that lies with valid CRCs: the real FwTS DeviceStack in this process, behind a Transport
// that re-frames every frame it sends (so every CRC is right) and can tell lies about its
// replies: send each one twice, send an extra copy later (as sent, or as an unsequenced Normal
// message), send a stray reply right after its handshake Reply, or rewrite reply packets (wrong
// type codes, invalid UTF-8). The host must never take a lie for a result. In compact mode
// (session version 3) a reply is decoded to its MinRPC packet for the lies and encoded again.
import { asBytes, bytes, u8, type Bytes } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import { Framer } from '../../firmware/framing/framer.ts';
import { Unframer, type FrameSink } from '../../firmware/framing/unframer.ts';
import { MessageType } from '../../firmware/session/session.ts';
import { DeviceStack, DEVICE_POOL_BYTES, DEVICE_SIZE_TABLE_BYTES } from '../../firmware/rpc/device_stack.ts';
import { HostPlatform } from '../../host/client/local.ts';
import { CompactCodec, CompactForm, COMPACT_PACKET_BYTES } from '../../firmware/rpc/compact.ts';
import type { Transport } from '../../host/transport/transport.ts';

export interface Lies {
  /** Each reply frame twice, back to back in one chunk. */
  twice?: boolean;
  /** Each reply frame twice, the copy in its own later chunk. */
  twiceApart?: boolean;
  /** An extra copy of each reply this many ms later. */
  lateCopyMs?: number;
  /** The late copy goes out as a Normal message (the sequence byte dropped). */
  lateAsNormal?: boolean;
  /** A stray reply right after each handshake Reply (a copy of the last reply sent, or a
   * ReturnHandle when none was), in the Reply's chunk or in the next one. */
  strayAfterHandshake?: 'same-chunk' | 'next-chunk';
  /** Rewrites each reply packet (the MinRPC packet, without any sequence byte); undefined keeps it. */
  rewrite?: (packet: Uint8Array) => Uint8Array | undefined;
  /** Compact mode: rewrites each reply's compact packet (after the sequence byte); undefined keeps it. */
  rewriteCompact?: (compact: Uint8Array) => Uint8Array | undefined;
  /** Replies out of order: each reply is held until the next one is sent, which goes first (a
   * held reply with no next one within 30 ms goes alone). */
  swap?: boolean;
  /** Apply the lies only once this many replies have been sent (the first calls go through). */
  after?: number;
}

/** A ReturnHandle packet (a memory handle), the stray reply of a fresh device. */
const RETURN_HANDLE = Uint8Array.of(20, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0);

export class HostileDevice implements Transport {
  readonly name = 'hostile device';
  readonly stack: DeviceStack;
  lies: Lies;
  /** Lies told so far. */
  told = 0;
  /** Replies sent (before lies). */
  replies = 0;
  private data: (d: Uint8Array) => void = () => undefined;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private lastReply: Uint8Array | undefined;
  private lastSeq = 0;
  /** Frames the device wrote, parsed back from its byte output. */
  private readonly parsed: Uint8Array[] = [];
  private readonly unframer: Unframer;
  private readonly framer: Framer;
  private framed: number[] = [];
  private closed = false;
  /** swap: the reply frame held back, and the timer that sends it alone. */
  private held: { frame: Uint8Array; timer: ReturnType<typeof setTimeout> } | undefined;

  constructor(lies: Lies = {}, opts: { maxVersion?: number } = {}) {
    this.lies = lies;
    const sink: FrameSink & { cur: number[] } = {
      cur: [],
      frameStart: () => { sink.cur = []; return Err.Ok; },
      frameData: (d: Bytes) => { sink.cur.push(...(d as unknown as Uint8Array)); return Err.Ok; },
      frameEnd: (valid: boolean) => { if (valid) this.parsed.push(Uint8Array.from(sink.cur)); },
    };
    this.unframer = new Unframer(sink);
    this.framer = new Framer({ write: (b: Bytes): Err => { this.framed.push(...(b as unknown as Uint8Array)); return Err.Ok; } });
    const out = { write: (b: Bytes): Err => { this.unframer.write(b); return Err.Ok; } };
    this.stack = new DeviceStack(bytes(DEVICE_POOL_BYTES), bytes(DEVICE_SIZE_TABLE_BYTES), out, new HostPlatform());
    if (opts.maxVersion !== undefined) {
      this.stack.setMaxVersion(u8(opts.maxVersion));
    }
    this.stack.boot();
    this.pump();
  }

  /** One frame's bytes (FE prefix and all), with a valid CRC. */
  private frame(payload: Uint8Array): Uint8Array {
    this.framed = [];
    this.framer.writeFrame(asBytes(payload));
    return Uint8Array.from(this.framed);
  }

  private emit(chunk: Uint8Array, delayMs?: number): void {
    if (delayMs === undefined) {
      setImmediate(() => { if (!this.closed) this.data(chunk); });
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) this.data(chunk);
    }, delayMs);
    this.timers.add(t);
  }

  /** Sends what the device wrote, frame by frame, with the lies. */
  private pump(): void {
    for (const p of this.parsed.splice(0)) {
      const type = p[2];
      const isReply = type === MessageType.Normal || type === MessageType.Reliable || type === MessageType.Compact;
      if (!isReply) {
        const f = this.frame(p);
        if (type === MessageType.StartSessionReply && this.lies.strayAfterHandshake !== undefined) {
          // The stray reply carries the new session's id, in the session's own message type.
          const version = p[3];
          const packet = this.lastReply ?? RETURN_HANDLE;
          const body = version === 3 ? concat(Uint8Array.of(this.lastSeq, CompactForm.Raw), packet)
            : version === 2 ? concat(Uint8Array.of(this.lastSeq), packet) : packet;
          const type = version === 3 ? MessageType.Compact : version === 2 ? MessageType.Reliable : MessageType.Normal;
          const stray = this.frame(concat(Uint8Array.of(p[0]!, p[1]!, type), body));
          this.told++;
          if (this.lies.strayAfterHandshake === 'same-chunk') {
            this.emit(concat(f, stray));
          } else {
            this.emit(f);
            this.emit(stray);
          }
        } else {
          this.emit(f);
        }
        continue;
      }
      const reliable = type === MessageType.Reliable || type === MessageType.Compact;
      const header = p.subarray(0, 3);
      let packet = type === MessageType.Compact ? compactToMinRpc(p.subarray(4)) : p.subarray(reliable ? 4 : 3);
      const seq = reliable ? p[3]! : 0;
      this.replies++;
      const lying = this.replies > (this.lies.after ?? 0);
      if (lying && this.lies.rewrite !== undefined) {
        const r = this.lies.rewrite(packet);
        if (r !== undefined) {
          packet = r;
          this.told++;
        }
      }
      let body = type === MessageType.Compact ? minRpcToCompact(packet) : packet;
      if (lying && type === MessageType.Compact && this.lies.rewriteCompact !== undefined) {
        const r = this.lies.rewriteCompact(body);
        if (r !== undefined) {
          body = r;
          this.told++;
        }
      }
      const f = this.frame(concat(header, reliable ? Uint8Array.of(seq) : new Uint8Array(0), body));
      this.lastReply = Uint8Array.from(packet);
      this.lastSeq = seq;
      if (!lying) {
        this.emit(f);
        continue;
      }
      if (this.lies.swap === true) {
        const h = this.held;
        if (h === undefined) {
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            const alone = this.held;
            this.held = undefined;
            if (alone !== undefined && !this.closed) this.data(alone.frame);
          }, 30);
          this.timers.add(timer);
          this.held = { frame: f, timer };
        } else {
          clearTimeout(h.timer);
          this.timers.delete(h.timer);
          this.held = undefined;
          this.emit(concat(f, h.frame));
          this.told++;
        }
        continue;
      }
      if (this.lies.twice === true) {
        this.emit(concat(f, f));
        this.told++;
      } else {
        this.emit(f);
        if (this.lies.twiceApart === true) {
          this.emit(f);
          this.told++;
        }
      }
      if (this.lies.lateCopyMs !== undefined) {
        const copy = this.lies.lateAsNormal === true
          ? this.frame(concat(Uint8Array.of(header[0]!, header[1]!, MessageType.Normal), packet))
          : f;
        this.emit(copy, this.lies.lateCopyMs);
        this.told++;
      }
    }
  }

  async write(d: Uint8Array): Promise<void> {
    const copy = new Uint8Array(d);
    setImmediate(() => {
      if (this.closed) return;
      this.stack.feed(asBytes(copy));
      this.pump();
    });
  }
  onData(h: (d: Uint8Array) => void): void { this.data = h; }
  onClose(): void {}
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

const codec = new CompactCodec();

/** The MinRPC packet of a compact one (a refusal passes as it is). */
function compactToMinRpc(c: Uint8Array): Uint8Array {
  if (c[0] === CompactForm.Refused) return Uint8Array.from(c);
  const p = codec.decode(asBytes(c), bytes(COMPACT_PACKET_BYTES)) as unknown as Uint8Array;
  return Uint8Array.from(p);
}

/** The compact form of a MinRPC packet, or its raw form. */
function minRpcToCompact(p: Uint8Array): Uint8Array {
  const out = bytes(COMPACT_PACKET_BYTES) as unknown as Uint8Array;
  const n = codec.encode(asBytes(p), asBytes(out));
  return n > 0 ? out.slice(0, n) : concat(Uint8Array.of(CompactForm.Raw), p);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
