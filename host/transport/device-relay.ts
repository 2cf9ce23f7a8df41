// The byte relay behind `urpc serve` (TCP clients, host/cli/serve.ts) and `urpc serve --web`
// (pages' WebSockets, host/web/serve-web.ts): one device link, moved to whichever client the
// gate (tcp-gate.ts) has admitted, and back. The link is opened at start and re-opened for the
// next client if it ended. Neither side may make this process buffer without bound: a client
// that does not read what the device sends is dropped (the device cannot be paused), and one
// that sends faster than the device link takes is no longer read until the link catches up.
import type { GateSocket } from './tcp-gate.ts';
import type { Transport } from './transport.ts';

/** Bytes from the device waiting for a client that does not read before the client is dropped. */
export const MAX_CLIENT_BACKLOG = 4 * 1024 * 1024;
/** Bytes from the client waiting for the device link before the client is no longer read. */
export const MAX_DEVICE_BACKLOG = 256 * 1024;

/** What the relay uses of an admitted client: a TCP socket or a WebSocket's stream. */
export interface RelayClient extends GateSocket {
  readonly writableLength: number;
  write(b: Uint8Array | string): unknown;
  resume(): unknown;
  isPaused(): boolean;
}

export interface RelayOptions {
  /** Opens the device link (openTransport(uri) in the servers). */
  open: () => Promise<Transport>;
  /** Log lines. */
  note: (message: string) => void;
  /** What a client is called in them: "client", "page". */
  client: string;
}

export class DeviceRelay<C extends RelayClient> {
  private readonly opts: RelayOptions;
  private device: Transport | undefined;
  private opening: Promise<Transport> | undefined;
  /** The client on the device now (the gate's active one), if any. */
  active: () => C | undefined = () => undefined;

  constructor(opts: RelayOptions) {
    this.opts = opts;
  }

  /** The device link, opened if there is none (one opening at a time). */
  openDevice(): Promise<Transport> {
    if (this.device !== undefined) return Promise.resolve(this.device);
    this.opening ??= this.opts.open().then((d) => {
      d.onData((b) => this.toClient(b));
      d.onClose((reason) => {
        this.opts.note(`device link ended: ${reason}; it is re-opened for the next ${this.opts.client}`);
        if (this.device === d) this.device = undefined;
        this.active()?.destroy();
      });
      this.device = d;
      return d;
    }).finally(() => { this.opening = undefined; });
    return this.opening;
  }

  private toClient(b: Uint8Array): void {
    const c = this.active();
    if (c === undefined || c.destroyed) return;
    c.write(b);
    if (c.writableLength > MAX_CLIENT_BACKLOG) {
      this.opts.note(`${c.remoteAddress}:${c.remotePort} is not reading (${c.writableLength} bytes from the device waiting); disconnected it`);
      c.destroy();
    }
  }

  /** Bridges an admitted client (and the bytes it already sent) to the device until it leaves;
   * `left` is called then (the gate's release), or `deny` when the device cannot be opened. */
  async bridge(c: C, first: Buffer, who: string, left: () => void, deny: (why: string) => void): Promise<void> {
    c.once('close', () => { this.opts.note(`${who} left`); left(); });
    // Not read until the link is there: bytes it sends meanwhile (its Init, right after
    // URPC-OK) wait in its stream instead of being emitted to no listener and lost.
    c.pause();
    let d: Transport;
    try {
      d = await this.openDevice();
    } catch (e) {
      deny(`the device is unavailable: ${(e as Error).message}`);
      return;
    }
    if (c.destroyed) return;
    this.opts.note(`${who} connected`);
    let waiting = 0;
    const toDevice = (b: Uint8Array): void => {
      waiting += b.length;
      if (waiting > MAX_DEVICE_BACKLOG) c.pause();
      d.write(b).then(() => {
        waiting -= b.length;
        if (waiting <= MAX_DEVICE_BACKLOG / 2 && c.isPaused() && !c.destroyed) c.resume();
      }, () => c.destroy());
    };
    c.on('data', (b: Buffer) => toDevice(new Uint8Array(b)));
    if (first.length > 0) toDevice(new Uint8Array(first));
    if (waiting <= MAX_DEVICE_BACKLOG) c.resume();
  }

  /** Closes the device link (the server is stopping). */
  async close(): Promise<void> {
    const d = this.device ?? await this.opening?.catch(() => undefined);
    this.device = undefined;
    await d?.close().catch(() => undefined);
  }
}
