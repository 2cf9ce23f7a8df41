// The Web Serial byte link: a port from navigator.serial.requestPort() (the browser's chooser), or
// any object with the same shape (SerialPortLike: open/readable/writable/close), which is how the
// tests drive it: headless Chromium cannot grant a real port, so they inject one that implements
// the Web Serial API over a WebSocket to `urpc serve --web` (docs/browser.md).
import { Inbox } from '../../transport/inbox.ts';
import { TransportClosedError, type Transport } from '../../transport/transport.ts';

/** The part of the Web Serial API's SerialPort this link uses. */
export interface SerialPortLike {
  open(options: { baudRate: number }): Promise<void>;
  close(): Promise<void>;
  readonly readable: ReadableStream<Uint8Array> | null;
  readonly writable: WritableStream<Uint8Array> | null;
  getInfo?(): { usbVendorId?: number; usbProductId?: number };
}

/** navigator.serial, where the browser has it. */
export interface SerialLike {
  requestPort(options?: object): Promise<SerialPortLike>;
}

export function webSerial(): SerialLike | undefined {
  // Through globalThis: the module also loads in Node (its tests), where there is no navigator.
  return (globalThis as { navigator?: { serial?: SerialLike } }).navigator?.serial;
}

export function portName(port: SerialPortLike, baudRate: number): string {
  const info = port.getInfo?.() ?? {};
  const id = info.usbVendorId !== undefined ? ` ${info.usbVendorId.toString(16).padStart(4, '0')}:${(info.usbProductId ?? 0).toString(16).padStart(4, '0')}` : '';
  return `webserial${id} @${baudRate}`;
}

export class WebSerialTransport implements Transport {
  readonly name: string;
  readonly ended: Promise<string>;
  private readonly port: SerialPortLike;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly inbox = new Inbox();
  private closing = false;
  private readonly reading: Promise<void>;

  constructor(name: string, port: SerialPortLike) {
    if (port.readable === null || port.writable === null) throw new TransportClosedError(`${name}: the port is not open`);
    this.name = name;
    this.port = port;
    this.ended = this.inbox.ended;
    this.reader = port.readable.getReader();
    this.writer = port.writable.getWriter();
    this.reading = this.readLoop();
  }

  private async readLoop(): Promise<void> {
    let why = `${this.name}: the port closed`;
    try {
      for (;;) {
        const { value, done } = await this.reader.read();
        if (done) break;
        if (value === undefined || value.length === 0) continue;
        this.inbox.data(value);
      }
    } catch (e) {
      if (!this.closing) why = `${this.name}: ${(e as Error).message || 'read failed (device unplugged?)'}`;
    }
    this.inbox.end(why);
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.inbox.hasEnded) throw new TransportClosedError(`${this.name}: the link is closed`);
    await this.writer.write(data);
  }

  onData(handler: (data: Uint8Array) => void): void {
    this.inbox.onData(handler);
  }

  onClose(handler: (reason: string) => void): void {
    this.inbox.onClose(handler);
  }

  /** Releases the streams and closes the port (it can be opened again: reconnect). */
  async close(): Promise<void> {
    if (this.closing) return this.reading;
    this.closing = true;
    await this.reader.cancel().catch(() => undefined);
    await this.reading;
    this.reader.releaseLock();
    await this.writer.close().catch(() => undefined);
    this.writer.releaseLock();
    await this.port.close().catch(() => undefined);
  }
}

/** Opens `port` at `baudRate` and returns the link. */
export async function openWebSerial(port: SerialPortLike, baudRate = 115200): Promise<WebSerialTransport> {
  if (!Number.isSafeInteger(baudRate) || baudRate <= 0) throw new TransportClosedError(`bad baud rate ${baudRate}`);
  const name = portName(port, baudRate);
  try {
    await port.open({ baudRate });
  } catch (e) {
    throw new TransportClosedError(`${name}: cannot open the port: ${(e as Error).message}`);
  }
  return new WebSerialTransport(name, port);
}
