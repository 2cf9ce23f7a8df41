// The board behind `urpc serve --tvm`: a micro session (host/client/session.ts) that carries one
// raw MinRPC packet at a time and hands back the raw reply, so the TCP relay forwards bytes
// unchanged. The link is opened on first use and again after it went away; every TCP client
// gets a new micro session (a fresh server on the device, its memory from before freed).
import { HostSession } from '../client/session.ts';
import { TimeoutError, RpcError } from '../client/client.ts';
import { syscallPacket, callFuncPacket, decodeReply, returnValue, str, RPCCode } from '../client/packet.ts';
import type { Transport } from '../transport/transport.ts';

export interface DeviceLinkOptions {
  /** Opens the byte link (connect.ts openTransport). */
  open: () => Promise<Transport>;
  /** Device log lines and link events. */
  note: (message: string) => void;
  /** Session start deadline (ms, default 10000). */
  startTimeoutMs?: number;
}

export class DeviceLink {
  private readonly opts: DeviceLinkOptions;
  private hs: HostSession | undefined;
  private waiting: { resolve: (p: Uint8Array) => void; reject: (e: Error) => void } | undefined;
  /** The largest packet_nbytes the board takes (GetCRTMaxPacketSize; Infinity if it has none). */
  maxPacket = Number.POSITIVE_INFINITY;
  /** Name of the link, for messages. */
  name = 'device';
  /** Counts the board's session resets (a reboot ends the session): a TCP client's handles from
   * before one are gone, so the relay ends that client's session. */
  resets = 0;

  constructor(opts: DeviceLinkOptions) {
    this.opts = opts;
  }

  /** Opens the link if needed and starts a new micro session; learns the packet limit. */
  async begin(): Promise<void> {
    if (this.hs === undefined) {
      const t = await this.opts.open();
      const hs = new HostSession(t, { startTimeoutMs: this.opts.startTimeoutMs });
      this.name = t.name;
      hs.onPacket = (p) => {
        const w = this.waiting;
        this.waiting = undefined;
        w?.resolve(p);
      };
      hs.onLog = (text) => this.opts.note(`device: ${text}`);
      hs.onReset = (e) => { this.resets++; this.fail(e); };
      hs.onClosed = (e) => {
        this.opts.note(`device link ended: ${e.message}; it is re-opened for the next client`);
        if (this.hs === hs) this.hs = undefined;
        this.fail(e);
      };
      this.hs = hs;
      await hs.ensureOpen();
      this.maxPacket = await this.probeMaxPacket();
    } else {
      this.hs.renew();
      await this.hs.ensureOpen();
    }
  }

  private fail(e: Error): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(e);
  }

  /** Sends one request packet and resolves with the raw reply packet. */
  request(packet: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    const hs = this.hs;
    if (hs === undefined) return Promise.reject(new RpcError('the device link is not open'));
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        hs.requestTimedOut();
        reject(new TimeoutError(`no reply from ${this.name} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = {
        resolve: (p) => { clearTimeout(timer); resolve(p); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      hs.ensureOpen().then(() => hs.sendPacket(packet, true)).catch((e: unknown) => this.fail(e instanceof Error ? e : new RpcError(String(e))));
    });
  }

  /** tvm.rpc.server.GetCRTMaxPacketSize, as the TVM client would ask it (a global lookup holds no
   * device memory on a CRT). */
  private async probeMaxPacket(): Promise<number> {
    const h = decodeReply(await this.request(syscallPacket(RPCCode.GetGlobalFunc, [str('tvm.rpc.server.GetCRTMaxPacketSize')]), 10_000));
    const hv = h.code === RPCCode.Return ? h.values[0] : undefined;
    if (hv?.type !== 'handle' || hv.value === 0n) return Number.POSITIVE_INFINITY;
    const r = decodeReply(await this.request(callFuncPacket(hv.value, []), 10_000));
    const v = r.code === RPCCode.Return ? returnValue(r.values) : undefined;
    return v?.type === 'int' ? Number(v.value) : Number.POSITIVE_INFINITY;
  }

  /** Reboots the board where its link can (native: a signal; QEMU: system_reset). */
  async resetBoard(): Promise<void> {
    await this.hs?.transport.reset?.();
  }

  async close(): Promise<void> {
    const hs = this.hs;
    this.hs = undefined;
    await hs?.close().catch(() => undefined);
  }
}
