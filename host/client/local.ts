// LocalSession: the FwTS device code (RpcServer, built-in functions, page-allocator memory) running
// in this process. Packets go straight to the server (no session, no framing), so it is the
// reference the RemoteSession is compared with, and it needs no board. Device log() lines arrive
// as 'log' events (through the prelude's log sink, which is process-wide: one LocalSession logs
// at a time).
import { asBytes, setLogSink, u8, u32, type Bytes, type LogSink } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import type { Platform, PacketSink } from '../../firmware/rpc/ports.ts';
import { RpcServer } from '../../firmware/rpc/server.ts';
import { PageAllocator } from '../../firmware/memory/page_allocator.ts';
import { PageMemory } from '../../firmware/rpc/memory_adapter.ts';
import { DEVICE_PAGE_LOG2, DEVICE_POOL_BYTES, DEVICE_SIZE_TABLE_BYTES } from '../../firmware/rpc/device_stack.ts';
import { RpcClient } from './client.ts';
import { BaseSession } from './rpc-session.ts';
import type { AppTable } from '../../firmware/rpc/ctx.ts';

/** A log line as boards format it: the message, then each value in signed decimal. */
export function formatLog(message: string, values: readonly number[]): string {
  return message + values.map((v) => ` ${v | 0}`).join('');
}

/** Host clock (µs) and randomness as the device Platform. */
export class HostPlatform implements Platform {
  board = 'local';
  ticks(): u32 {
    return u32(Math.floor(performance.now() * 1000));
  }
  ticksPerSecond(): u32 {
    return u32(1_000_000);
  }
  random32(): u32 {
    const c = (globalThis as { crypto?: { getRandomValues(a: Uint32Array): Uint32Array } }).crypto;
    return u32(c !== undefined ? c.getRandomValues(new Uint32Array(1))[0]! : Math.floor(Math.random() * 2 ** 32));
  }
  boardName(dst: Bytes): u32 {
    const b = new TextEncoder().encode(this.board);
    const n = Math.min(b.length, dst.length);
    for (let i = 0; i < n; i++) dst[i] = u8(b[i]!);
    return u32(b.length);
  }
}

export interface LocalSessionOptions {
  timeoutMs?: number;
  /** Tensor pool bytes (default: the boards' DEVICE_POOL_BYTES). */
  poolBytes?: number;
  /** The app's device functions (host/app/load.ts loadApp(), or a generated AppRegistry). */
  app?: AppTable;
  /** How often a pending async device function is polled, in ms (default 1). */
  tickMs?: number;
}

export class LocalSession<F extends object = {}> extends BaseSession<F> {
  readonly uri = 'local';
  readonly server: RpcServer;
  readonly platform = new HostPlatform();
  private readonly sink: LogSink;
  private closed = false;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly tickMs: number;

  constructor(opts: LocalSessionOptions = {}) {
    const poolBytes = opts.poolBytes ?? DEVICE_POOL_BYTES;
    const pages = new PageAllocator(asBytes(new Uint8Array(poolBytes)), u8(DEVICE_PAGE_LOG2));
    const mem = new PageMemory(pages, asBytes(new Uint8Array(Math.max(DEVICE_SIZE_TABLE_BYTES, pages.pageCount() * 4))));
    const holder: { client?: RpcClient } = {};
    const sink: PacketSink = {
      send(packet: Bytes): Err {
        const copy = new Uint8Array(packet as unknown as Uint8Array);
        queueMicrotask(() => holder.client?.onPacket(copy));
        return Err.Ok;
      },
    };
    const platform = new HostPlatform();
    const server = new RpcServer(sink, mem, platform);
    // loadApp (host/app/load.ts, Node only) installs the reader that names a contained panic's
    // .ts file:line; this module stays free of Node imports for the browser bundle.
    if (opts.app !== undefined) server.setApp(opts.app);
    const client = new RpcClient(async (p) => {
      if (this.closed) throw new Error('local session is closed');
      this.handle(p);
    }, { timeoutMs: opts.timeoutMs ?? 5000, linkName: 'local' });
    super(client);
    holder.client = client;
    this.server = server;
    this.platform = platform;
    this.tickMs = opts.tickMs ?? 1;
    this.sink = (message, values) => this.emitLog(formatLog(message, values));
    setLogSink(this.sink);
  }

  /** Serves one request packet, as the device's main loop would: an async device function
   * (urpc.sleep, ...) is then polled every tickMs until it answers (RpcServer.tick()). */
  handle(packet: Uint8Array): void {
    this.server.handle(asBytes(new Uint8Array(packet)));
    this.startTicking();
  }

  /** Drops the device state as a new session would (every tensor; a pending async call is
   * cancelled without a reply). */
  reset(): void {
    this.server.reset();
  }

  private startTicking(): void {
    if (this.ticker !== undefined || !this.server.busy()) return;
    this.ticker = setInterval(() => {
      if (this.closed || !this.server.tick()) {
        clearInterval(this.ticker);
        this.ticker = undefined;
      }
    }, this.tickMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.ticker = undefined;
    this.server.reset();
    setLogSink(null);
  }
}
