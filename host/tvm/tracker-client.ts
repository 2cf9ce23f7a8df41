// A connection to a TVM RPC tracker (shared/spec/tvm-rpc-tracker.md §2): the magic exchange
// (the magic sent alone, then the echo awaited, or v0.13's tracker drops us), then one request,
// one reply. Every wait has a deadline except REQUEST's, which the caller bounds (a request for
// a key nobody serves waits for ever on the tracker's side).
import * as net from 'node:net';
import { ReadError, SocketReader } from './reader.ts';
import {
  TRACKER_MAGIC, MAX_TRACKER_MESSAGE, TrackerCode, trackerMagic, trackerMessage, parseSlot, parseSummary,
  type Json, type Slot, type Summary,
} from './tracker-wire.ts';

/** `host:port` of a tracker (IPv6 in brackets). */
export function parseTrackerAddress(spec: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:/]+):(\d+)$/.exec(spec);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new Error(`bad tracker address '${spec}'; expected <host>:<port>, e.g. 127.0.0.1:9190`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

export class TrackerConnection {
  readonly name: string;
  private readonly sock: net.Socket;
  private readonly reader: SocketReader;

  private constructor(name: string, sock: net.Socket) {
    this.name = name;
    this.sock = sock;
    this.reader = new SocketReader(sock, name);
  }

  /** Connects and exchanges the magic, within timeoutMs. */
  static async open(host: string, port: number, timeoutMs: number): Promise<TrackerConnection> {
    const name = `tracker ${host.includes(':') ? `[${host}]` : host}:${port}`;
    const sock = net.connect(port, host);
    sock.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => { sock.destroy(); reject(new Error(`${name}: no connection within ${timeoutMs} ms`)); }, timeoutMs);
      sock.once('connect', () => { clearTimeout(t); resolve(); });
      sock.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(t);
        reject(new Error(`${name}: ${e.code === 'ECONNREFUSED' ? 'connection refused; is the tracker running (python -m tvm.exec.rpc_tracker)?' : e.message}`));
      });
    });
    const c = new TrackerConnection(name, sock);
    try {
      sock.write(trackerMagic());
      const echo = await c.reader.read(4, timeoutMs, 'magic echo');
      if (echo.readInt32LE(0) !== TRACKER_MAGIC) throw new Error(`${name}: not a TVM RPC tracker (it answered 0x${echo.readUInt32LE(0).toString(16)})`);
    } catch (e) {
      sock.destroy();
      throw e;
    }
    return c;
  }

  get closed(): boolean {
    return this.reader.isEnded || this.sock.destroyed;
  }

  /** Sends one request and reads its reply (timeoutMs undefined: no deadline; the caller bounds it). */
  async ask(msg: Json, timeoutMs: number | undefined): Promise<unknown> {
    if (this.sock.destroyed) throw new Error(`${this.name}: connection closed`);
    this.sock.write(trackerMessage(msg));
    const what = `answer to ${JSON.stringify(msg).slice(0, 60)}`;
    const n = (await this.reader.read(4, timeoutMs, what)).readInt32LE(0);
    if (n <= 0 || n > MAX_TRACKER_MESSAGE) throw new Error(`${this.name}: answer of ${n} bytes (expected 1..${MAX_TRACKER_MESSAGE})`);
    const text = (await this.reader.read(n, timeoutMs ?? 30_000, what)).toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new Error(`${this.name}: the answer is not JSON: ${text.slice(0, 100)}`);
    }
  }

  /** A request that must answer 0 (PUT, UPDATE_INFO, PING). */
  async expectSuccess(msg: Json, timeoutMs: number): Promise<void> {
    const r = await this.ask(msg, timeoutMs);
    if (r !== TrackerCode.SUCCESS) throw new Error(`${this.name}: answered ${JSON.stringify(r)} to ${JSON.stringify(msg).slice(0, 80)}`);
  }

  async summary(timeoutMs: number): Promise<Summary> {
    return parseSummary(await this.ask([TrackerCode.SUMMARY], timeoutMs));
  }

  /** REQUEST [4, key, "", priority]: waits until a board of that key is free, at most timeoutMs. */
  async request(key: string, priority: number, timeoutMs: number): Promise<Slot> {
    try {
      return parseSlot(await this.ask([TrackerCode.REQUEST, key, '', priority], timeoutMs));
    } catch (e) {
      if (e instanceof ReadError && e.timedOut) {
        throw new Error(`${this.name}: no board with key '${key}' became free within ${timeoutMs} ms ` +
          `(urpc ls --tracker ${this.name.slice(8)} shows the tracker's boards)`);
      }
      throw e;
    }
  }

  close(): void {
    this.sock.destroy();
  }
}
