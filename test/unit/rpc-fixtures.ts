// Test-side implementations of the RPC server's ports (Memory, Platform, PacketSink) and a
// harness that runs request packets through the FwTS server in-process.

import { asBytes, u32, type Bytes } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import type { Memory, Platform, PacketSink } from '../../firmware/rpc/ports.ts';
import { RpcServer } from '../../firmware/rpc/server.ts';
import { fromHex, toHex } from '../../host/client/packet.ts';

/** Handles start at 0x1000 (so the spec's CopyToRemote vector at data 0x1000 names the first
 * allocation) and are never reused. */
export class TestMemory implements Memory {
  readonly blocks = new Map<number, Uint8Array>();
  next = 0x1000;
  readonly size: number;
  constructor(size = 64 * 1024) {
    this.size = size;
  }
  private used(): number {
    let n = 0;
    for (const b of this.blocks.values()) n += b.length;
    return n;
  }
  alloc(nbytes: u32): u32 {
    if (nbytes > this.size - this.used()) return u32(0);
    const h = this.next++;
    this.blocks.set(h, new Uint8Array(nbytes));
    return u32(h);
  }
  free(h: u32): boolean { return this.blocks.delete(h); }
  live(h: u32): boolean { return this.blocks.has(h); }
  data(h: u32): Bytes {
    const b = this.blocks.get(h);
    if (b === undefined) throw new Error(`data() of dead handle ${h}`);
    return asBytes(b);
  }
  reset(): void { this.blocks.clear(); }
  capacity(): u32 { return u32(this.size); }
  available(): u32 { return u32(this.size - this.used()); }
}

/** A scripted clock: every ticks() call advances by `step` (1 MHz by default). */
export class TestPlatform implements Platform {
  now = 0;
  step = 10;
  hz = 1_000_000;
  seed = 1;
  board = 'test-board';
  ticks(): u32 { const t = this.now; this.now = (this.now + this.step) >>> 0; return u32(t); }
  ticksPerSecond(): u32 { return u32(this.hz); }
  random32(): u32 {
    // xorshift32
    let x = this.seed;
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    this.seed = x;
    return u32(x);
  }
  boardName(dst: Bytes): u32 {
    const b = new TextEncoder().encode(this.board);
    const n = Math.min(b.length, dst.length);
    for (let i = 0; i < n; i++) dst[i] = b[i] as never;
    return u32(b.length);
  }
}

export class CaptureSink implements PacketSink {
  readonly sent: Uint8Array[] = [];
  result: Err = Err.Ok;
  send(packet: Bytes): Err {
    this.sent.push(new Uint8Array(packet as unknown as Uint8Array));
    return this.result;
  }
}

export class Harness {
  readonly mem = new TestMemory();
  readonly plat = new TestPlatform();
  readonly sink = new CaptureSink();
  readonly server = new RpcServer(this.sink, this.mem, this.plat);

  /** Serves one request; returns the reply, or undefined when none was sent. A call of a
   * time-evaluator handle (0xFFFF8000 | n) runs as an async call: it is ticked until it
   * completes or `ticks` polls have run (other async calls, urpc.sleep, stay pending). */
  run(req: Uint8Array, ticks = 10_000_000): Uint8Array | undefined {
    const before = this.sink.sent.length;
    this.server.handle(asBytes(new Uint8Array(req)));
    const evaluator = req.length >= 16 && req[8] === 3 && req[14] === 0xff && req[15] === 0xff && (req[13]! & 0x80) !== 0;
    for (let i = 0; evaluator && i < ticks && this.server.busy(); i++) this.server.tick();
    if (this.sink.sent.length > before + 1) throw new Error('more than one reply');
    return this.sink.sent.length === before ? undefined : this.sink.sent[before];
  }
  runHex(hex: string): string | undefined {
    const r = this.run(fromHex(hex));
    return r === undefined ? undefined : toHex(r);
  }
}
