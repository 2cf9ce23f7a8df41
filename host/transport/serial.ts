// A serial port as a transport, on the npm `serialport` package (prebuilt N-API binding).
//
//   connect('serial:/dev/ttyACM0')                  115200 baud, 8N1
//   connect('serial:/dev/ttyUSB0?baud=921600')
//   connect('serial:/tmp/x/tty?baud=115200')        a pty, e.g. socat's link to the native firmware
//
// Full-duplex bulk transfers and @serialport/bindings-cpp 13.0.x: its Poller::poll() restarts
// uv_poll with only the newly requested events, so waiting for 'writable' drops a pending
// 'readable' interest; if the device can only take more bytes once we read its output, both sides
// wait forever (shared notes §7.1). Two guards, both on here:
//   * patchSerialportPoller() re-adds the flags of still-pending listeners before every poll();
//   * writes go out in chunks of at most WRITE_CHUNK bytes, each one handed to the OS before the
//     next, so the bytes we have queued beyond what the OS took stay bounded (and the RPC layer
//     above sends one packet, at most max_packet bytes, per reply).
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { TransportClosedError, type Transport } from './transport.ts';
import { Inbox } from './inbox.ts';

const require = createRequire(import.meta.url);

/** The most bytes handed to the port in one write. */
export const WRITE_CHUNK = 1024;
export const DEFAULT_BAUD = 115200;
const KNOWN_PARAMS = ['baud'];
/** How often an open port checks that its device node is still there. */
const PRESENCE_MS = 250;

export interface SerialUri {
  path: string;
  baudRate: number;
}

/** Parses `serial:<device>[?baud=<n>]`; every malformed form gets an error that says what is expected. */
export function parseSerialUri(uri: string): SerialUri {
  const usage = 'expected serial:<device>[?baud=<n>], e.g. serial:/dev/ttyACM0?baud=115200';
  if (!uri.startsWith('serial:')) throw new TransportClosedError(`'${uri}' is not a serial URI; ${usage}`);
  const rest = uri.slice('serial:'.length).replace(/^\/\/(?=\/)/, '');
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  if (path === '') throw new TransportClosedError(`bad serial URI '${uri}': no device path; ${usage}`);
  const params = new URLSearchParams(q < 0 ? '' : rest.slice(q + 1));
  for (const k of params.keys()) {
    if (!KNOWN_PARAMS.includes(k)) throw new TransportClosedError(`bad serial URI '${uri}': unknown parameter '${k}' (known: ${KNOWN_PARAMS.join(', ')})`);
  }
  let baudRate = DEFAULT_BAUD;
  const baud = params.get('baud');
  if (baud !== null) {
    if (!/^\d+$/.test(baud) || Number(baud) <= 0) throw new TransportClosedError(`bad serial URI '${uri}': baud must be a positive integer, got '${baud}'`);
    baudRate = Number(baud);
  }
  return { path, baudRate };
}

/** The port's open error with what to do about the usual ones. */
function openHint(message: string): string {
  const m = message.replace(/^Error: /, '');
  if (/Inappropriate ioctl|ENOTTY/.test(m)) return `${m} (it is not a tty: is this a serial port? urpc ls lists them)`;
  if (/Permission denied|EACCES/.test(m)) return `${m} (no permission: join the port's group, e.g. dialout, or check its mode)`;
  if (/busy|EBUSY|lock/i.test(m)) return `${m} (another program has it open)`;
  return m;
}

let patched = false;
/** The poller workaround (shared notes §7.1, qemu-reference/host/src/poller-fix.ts). Idempotent. */
export function patchSerialportPoller(): void {
  if (patched) return;
  patched = true;
  const { Poller } = require('@serialport/bindings-cpp/dist/poller.js') as { Poller: { prototype: { poll(flag?: number): unknown; listenerCount(e: string): number } } };
  const orig = Poller.prototype.poll;
  Poller.prototype.poll = function (this: { listenerCount(e: string): number }, flag = 0) {
    if (this.listenerCount('readable') > 0) flag |= 1; // UV_READABLE
    if (this.listenerCount('writable') > 0) flag |= 2; // UV_WRITABLE
    return orig.call(this, flag);
  };
}

interface Port {
  open(cb: (e: Error | null) => void): void;
  write(d: Uint8Array, cb: (e: Error | null | undefined) => void): boolean;
  drain(cb: (e: Error | null) => void): void;
  close(cb: (e: Error | null) => void): void;
  on(ev: string, h: (...a: any[]) => void): void;
  isOpen: boolean;
}

export class SerialTransport implements Transport {
  readonly name: string;
  readonly port: Port;
  private closed = false;
  private readonly inbox = new Inbox();
  private writes: Promise<void> = Promise.resolve();
  private readonly presence: ReturnType<typeof setInterval>;

  private constructor(name: string, port: Port, path: string) {
    this.name = name;
    this.port = port;
    port.on('data', (b: Buffer) => this.inbox.data(b));
    port.on('error', () => undefined); // reported by 'close'
    port.on('close', (e?: Error & { disconnected?: boolean }) => this.ended(
      e?.disconnected ? `${this.name}: the device went away (unplugged or reset)` : `${this.name}: port closed${e ? `: ${e.message}` : ''}`));
    // A device that goes away does not always come back as a read error: the port can stay
    // "open" until the next write (seen with a pty whose socat ended: 'link lost' never came).
    // Its node disappearing (a USB unplug, socat removing its link) settles it.
    this.presence = setInterval(() => {
      if (fs.existsSync(path)) return;
      this.ended(`${this.name}: the device went away (${path} is gone)`);
      if (this.port.isOpen) this.port.close(() => undefined);
    }, PRESENCE_MS);
    this.presence.unref();
  }

  static async open(uri: string, timeoutMs = 5000): Promise<SerialTransport> {
    const { path, baudRate } = parseSerialUri(uri);
    if (!fs.existsSync(path)) {
      throw new TransportClosedError(`${uri}: no such device '${path}'; is the board plugged in? (urpc ls lists serial ports)`);
    }
    if (!fs.statSync(path).isCharacterDevice()) {
      throw new TransportClosedError(`${uri}: '${path}' is not a serial port (not a character device); expected a tty such as /dev/ttyACM0 (urpc ls lists serial ports)`);
    }
    patchSerialportPoller();
    const { SerialPort } = require('serialport') as { SerialPort: new (o: object) => Port };
    const port = new SerialPort({ path, baudRate, autoOpen: false, hupcl: false });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new TransportClosedError(`${uri}: the port did not open within ${timeoutMs} ms`)), timeoutMs);
      port.open((e) => {
        clearTimeout(t);
        if (e) reject(new TransportClosedError(`${uri}: cannot open ${path}: ${openHint(e.message)}`));
        else resolve();
      });
    });
    return new SerialTransport(uri, port, path);
  }

  private ended(reason: string): void {
    clearInterval(this.presence);
    if (this.closed) return;
    this.closed = true;
    this.inbox.end(reason);
  }

  write(data: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new TransportClosedError(`${this.name} is closed`));
    const one = (part: Uint8Array): Promise<void> => new Promise((resolve, reject) => {
      if (this.closed) { reject(new TransportClosedError(`${this.name} is closed`)); return; }
      this.port.write(part, (e) => (e ? reject(new TransportClosedError(`${this.name}: write failed: ${e.message}`)) : resolve()));
    });
    const run = async (): Promise<void> => {
      for (let at = 0; at < data.length; at += WRITE_CHUNK) await one(data.subarray(at, Math.min(data.length, at + WRITE_CHUNK)));
    };
    const p = this.writes.then(run);
    this.writes = p.catch(() => undefined);
    return p;
  }

  onData(handler: (data: Uint8Array) => void): void {
    this.inbox.onData(handler);
  }

  onClose(handler: (reason: string) => void): void {
    this.inbox.onClose(handler);
  }

  async close(): Promise<void> {
    clearInterval(this.presence);
    this.closed = true;
    if (!this.port.isOpen) return;
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }
}

/** `serial:<device>[?baud=<n>]`. */
export function openSerial(uri: string): Promise<SerialTransport> {
  return SerialTransport.open(uri);
}
