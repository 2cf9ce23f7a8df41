// Exact-length reads from a socket with a deadline on each: the TVM RPC handshake, RPC packets
// over TCP and tracker messages all arrive as "size, then that many bytes", often split across
// segments (TVM's server and tracker write the size and the payload separately). A peer that goes
// silent or closes makes the read fail with a message naming what was awaited; nothing waits
// without a bound.
import type * as net from 'node:net';

export class ReadError extends Error {
  /** The deadline passed (rather than the connection ending). */
  readonly timedOut: boolean;
  constructor(message: string, timedOut = false) {
    super(message);
    this.timedOut = timedOut;
    this.name = 'ReadError';
  }
}

export class SocketReader {
  private buf: Buffer = Buffer.alloc(0);
  private ended: string | undefined;
  private wake: (() => void) | undefined;
  readonly socket: net.Socket;
  readonly name: string;

  constructor(socket: net.Socket, name: string) {
    this.socket = socket;
    this.name = name;
    socket.on('data', (b: Buffer) => {
      this.buf = this.buf.length === 0 ? b : Buffer.concat([this.buf, b]);
      this.wake?.();
    });
    socket.on('error', (e) => { this.ended ??= e.message; this.wake?.(); });
    socket.on('close', () => { this.ended ??= 'connection closed'; this.wake?.(); });
  }

  /** Bytes received and not read yet. */
  get buffered(): number {
    return this.buf.length;
  }

  /** Whether the peer closed (or the socket failed). */
  get isEnded(): boolean {
    return this.ended !== undefined;
  }

  /** Exactly n bytes, or ReadError when `timeoutMs` passes (undefined: no deadline, for a
   * caller that bounds the wait itself) or the connection ends first. */
  async read(n: number, timeoutMs: number | undefined, what: string): Promise<Buffer> {
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    while (this.buf.length < n) {
      if (this.ended !== undefined) {
        throw new ReadError(`${this.name}: ${this.ended} while waiting for ${what}` +
          (this.buf.length > 0 ? ` (${this.buf.length} of ${n} bytes came)` : ''));
      }
      const left = deadline === undefined ? undefined : deadline - Date.now();
      if (left !== undefined && left <= 0) {
        throw new ReadError(`${this.name}: no ${what} within ${timeoutMs} ms` + (this.buf.length > 0 ? ` (${this.buf.length} of ${n} bytes came)` : ''), true);
      }
      await this.nextEvent(left);
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Waits until at least one byte is buffered or the connection ends (no deadline when
   * `timeoutMs` is undefined); true if a byte is there. */
  async waitData(timeoutMs: number | undefined): Promise<boolean> {
    if (this.buf.length > 0) return true;
    if (this.ended !== undefined) return false;
    await this.nextEvent(timeoutMs);
    return this.buf.length > 0;
  }

  /** Resolves at the next data or end of the connection (wake), or after ms when given. */
  private nextEvent(ms: number | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      let t: ReturnType<typeof setTimeout> | undefined;
      const done = (): void => {
        if (t !== undefined) clearTimeout(t);
        this.wake = undefined;
        resolve();
      };
      if (ms !== undefined) t = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
