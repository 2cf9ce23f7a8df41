// One console connection: a link (WebSocket to `urpc serve --web`, or Web Serial), the session
// over it, and reconnecting when the link goes (the firmware restarted, serve dropped us, the cable
// was pulled): every reconnectMs, at most maxAttempts times. A device that reboots without the link
// going (same socket, same port) is handled below, by the session (it re-opens on the next call).
import { RemoteSession, type RemoteSessionOptions } from '../../client/remote.ts';
import { openWebSocket } from './ws-transport.ts';
import { openWebSerial, type SerialPortLike } from './webserial.ts';

export type Target =
  | { kind: 'websocket'; url: string; token?: string }
  | { kind: 'serial'; port: SerialPortLike; baudRate: number };

export type State = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

export interface ConnectionOptions extends RemoteSessionOptions {
  /** Reconnect when the link goes (default true). */
  reconnect?: boolean;
  /** Wait between attempts (ms, default 1000). */
  reconnectMs?: number;
  /** Attempts before giving up (default 60). */
  maxAttempts?: number;
}

export interface ConnectionEvents {
  state: (state: State, detail: string) => void;
  /** A new session (first connect or reconnect): function handles and tensors from before are gone. */
  session: (s: RemoteSession) => void;
  log: (text: string) => void;
  /** The device reset with the link up (it rebooted): its session ended, the next call opens a new
   * one, and its memory (tensors) from before is gone. */
  reset: (why: string) => void;
}

type Ended = { ended: Promise<string> };

export class Connection {
  state: State = 'disconnected';
  session: RemoteSession | undefined;
  target: Target | undefined;
  /** Sessions opened by this connection (1 after the first connect). */
  sessions = 0;
  private opts: ConnectionOptions = {};
  /** The current session's link (closed before a reconnect: a serial port must be released to re-open). */
  private link: { close(): Promise<void> } | undefined;
  private generation = 0;
  private readonly listeners: { [K in keyof ConnectionEvents]: Set<ConnectionEvents[K]> } = { state: new Set(), session: new Set(), log: new Set(), reset: new Set() };

  on<K extends keyof ConnectionEvents>(event: K, f: ConnectionEvents[K]): void {
    this.listeners[event].add(f);
  }

  private emit<K extends keyof ConnectionEvents>(event: K, ...args: Parameters<ConnectionEvents[K]>): void {
    for (const f of this.listeners[event]) (f as (...a: Parameters<ConnectionEvents[K]>) => void)(...args);
  }

  private setState(s: State, detail = ''): void {
    this.state = s;
    this.emit('state', s, detail);
  }

  private async open(target: Target): Promise<RemoteSession> {
    const transport = target.kind === 'websocket'
      ? await openWebSocket(target.url, { token: target.token, timeoutMs: this.opts.startTimeoutMs ?? 10_000,
        onQueued: (n) => this.setState(this.state, `waiting for the device: number ${n} in the server's queue`) })
      : await openWebSerial(target.port, target.baudRate);
    const uri = target.kind === 'websocket' ? target.url : transport.name;
    const s = await RemoteSession.open(uri, transport, this.opts);
    this.link = transport;
    const onReset = s.session.onReset; // RemoteSession's: fails the waiting call, forgets handles
    s.session.onReset = (e) => {
      onReset(e);
      if (this.session === s) this.emit('reset', e.message);
    };
    for (const t of s.logs) this.emit('log', t); // lines that came with the handshake
    s.on('log', (t) => this.emit('log', t));
    const gen = this.generation;
    void (transport as Ended).ended.then((why) => { if (gen === this.generation && this.session === s) void this.lost(why); });
    return s;
  }

  /** Connects (closing any current session first). */
  async connect(target: Target, opts: ConnectionOptions = {}): Promise<RemoteSession> {
    await this.disconnect();
    const gen = ++this.generation;
    this.opts = opts;
    this.target = target;
    this.setState('connecting', target.kind === 'websocket' ? target.url : 'Web Serial');
    try {
      const s = await this.open(target);
      if (gen !== this.generation) {
        await s.close().catch(() => undefined);
        throw new Error('superseded by another connect or a disconnect');
      }
      this.adopt(s);
      return s;
    } catch (e) {
      if (gen === this.generation) this.setState('disconnected', (e as Error).message);
      throw e;
    }
  }

  private adopt(s: RemoteSession): void {
    this.session = s;
    this.sessions++;
    this.setState('connected', s.uri);
    this.emit('session', s);
  }

  /** The link went: try again every reconnectMs. */
  private async lost(why: string): Promise<void> {
    const gen = this.generation;
    this.session = undefined;
    await this.link?.close().catch(() => undefined);
    this.link = undefined;
    const target = this.target;
    if (this.opts.reconnect === false || target === undefined) {
      this.setState('disconnected', why);
      return;
    }
    const max = this.opts.maxAttempts ?? 60;
    for (let attempt = 1; attempt <= max; attempt++) {
      this.setState('reconnecting', `${why.replace(/\.$/, '')}; attempt ${attempt} of ${max}`);
      await new Promise((r) => setTimeout(r, this.opts.reconnectMs ?? 1000));
      if (gen !== this.generation) return;
      try {
        const s = await this.open(target);
        if (gen !== this.generation) {
          await s.close().catch(() => undefined);
          return;
        }
        this.adopt(s);
        return;
      } catch (e) {
        why = (e as Error).message;
      }
    }
    if (gen === this.generation) this.setState('disconnected', `gave up after ${max} attempts: ${why}`);
  }

  /** Ends the session (Terminate) and the link; no reconnect. */
  async disconnect(): Promise<void> {
    this.generation++;
    const s = this.session;
    this.session = undefined;
    if (s !== undefined) await s.close().catch(() => undefined);
    if (this.state !== 'disconnected') this.setState('disconnected', 'closed');
  }
}
