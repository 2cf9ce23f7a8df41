// A byte link over a connected socket: QEMU's UART (qemu.ts accepts it), a TCP link (tcp.ts).
import type * as net from 'node:net';
import { TransportClosedError, type Transport } from './transport.ts';
import { Inbox } from './inbox.ts';

/** A byte link over a connected socket. */
export class SocketTransport implements Transport {
  readonly name: string;
  readonly socket: net.Socket;
  protected closed = false;
  private readonly inbox = new Inbox();

  constructor(name: string, socket: net.Socket) {
    this.name = name;
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (b: Buffer) => this.inbox.data(b));
    socket.on('error', () => undefined); // reported by 'close'
    socket.on('close', () => this.ended(`${this.name}: connection closed`));
  }

  protected ended(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.inbox.end(reason);
  }

  write(data: Uint8Array): Promise<void> {
    if (this.closed || this.socket.destroyed) return Promise.reject(new TransportClosedError(`${this.name} is closed`));
    return new Promise((resolve, reject) => {
      this.socket.write(data, (e) => {
        if (!e) return resolve();
        // The peer hung up and the 'close' event has not come yet: say what the close will say.
        const code = (e as NodeJS.ErrnoException).code;
        reject(new TransportClosedError(code === 'EPIPE' || code === 'ECONNRESET'
          ? `${this.name}: connection closed (${code} on write)`
          : `${this.name}: write failed: ${e.message}`));
      });
    });
  }

  onData(handler: (data: Uint8Array) => void): void {
    this.inbox.onData(handler);
  }

  onClose(handler: (reason: string) => void): void {
    this.inbox.onClose(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (!this.socket.destroyed) this.socket.destroy();
  }
}
