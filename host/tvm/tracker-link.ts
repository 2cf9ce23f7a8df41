// connect('tracker:<host>:<port>/<key>[?priority=<n>]'): ask a TVM RPC tracker for a board by key
// (REQUEST, §2.5), connect to the RPC server it names with `client:<matchkey>` (§1.2), send
// kInitServer with no arguments (§1.4), and present the result as a byte link (Transport), so
// every part of urpc that takes a device URI (connect, `urpc call`, groups, `urpc serve`) works
// through a tracker unchanged.
//
// The link speaks the micro wire towards the host (host/client/session.ts opens a session on it as
// on any board) and TVM RPC over TCP towards the server: a device-side Session (the FwTS class
// the firmware runs) answers the host's handshake here, and every Normal message's packet goes to
// the TCP server as is; every packet from the server comes back as a Normal message. The session
// is plain microTVM (version 1): TCP does not lose bytes. Closing the link sends kShutdown.
// Limits: the remote server is one session for the whole link: if the host re-opens its micro
// session (after a timeout) the board's memory is kept, not reset. A reply larger than a micro
// message (2048 bytes) is dropped by the host; urpc boards bound theirs by GetCRTMaxPacketSize.
import * as net from 'node:net';
import { asBytes, u8, type Bytes } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import { Session, MessageType, SESSION_VERSION, type SessionListener } from '../../firmware/session/session.ts';
import { decodeReply, RPCCode, shutdownPacket } from '../client/packet.ts';
import { TransportClosedError, type Transport } from '../transport/transport.ts';
import { SocketReader } from './reader.ts';
import { clientHandshake, readServerAnswer, readPacket, initServer } from './rpc-wire.ts';
import { TrackerConnection } from './tracker-client.ts';

export interface TrackerUri {
  host: string;
  port: number;
  key: string;
  priority: number;
}

/** Parses `tracker:<host>:<port>/<key>[?priority=<n>]`. */
export function parseTrackerUri(uri: string): TrackerUri {
  const usage = "expected tracker:<host>:<port>/<key>[?priority=<n>], e.g. 'tracker:127.0.0.1:9190/stm32'";
  const m = /^tracker:(?:\/\/)?(\[[^\]]+\]|[^:/?]+):(\d+)\/([^?\s]+)(?:\?(.*))?$/.exec(uri);
  if (!m) throw new TransportClosedError(`bad tracker URI '${uri}'; ${usage}`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new TransportClosedError(`bad tracker URI '${uri}': port ${m[2]} is not 1..65535`);
  const params = new URLSearchParams(m[4] ?? '');
  for (const k of params.keys()) if (k !== 'priority') throw new TransportClosedError(`bad tracker URI '${uri}': unknown parameter '${k}' (known: priority)`);
  const p = params.get('priority') ?? '1';
  if (!/^-?\d+$/.test(p)) throw new TransportClosedError(`bad tracker URI '${uri}': priority '${p}' is not an integer`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port, key: decodeURIComponent(m[3]!), priority: Number(p) };
}

/** The largest packet taken from the RPC server (a micro message carries 2048 bytes at most). */
const MAX_REPLY = 16 * 1024 * 1024;

/** Opens a board through the tracker: everything within timeoutMs. */
export async function openTrackerLink(uri: string, timeoutMs = 10_000): Promise<Transport> {
  const t = parseTrackerUri(uri);
  const deadline = Date.now() + timeoutMs;
  const left = (): number => Math.max(1, deadline - Date.now());
  const tracker = await TrackerConnection.open(t.host, t.port, left());
  let slot;
  try {
    slot = await tracker.request(t.key, t.priority, left());
  } finally {
    tracker.close(); // a request still waiting there is dropped with the connection
  }
  const name = `${uri} (${slot.host}:${slot.port})`;
  const sock = net.connect(slot.port, slot.host);
  sock.setNoDelay(true);
  const reader = new SocketReader(sock, name);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new TransportClosedError(`${name}: no connection within ${timeoutMs} ms`)), left());
      sock.once('connect', () => { clearTimeout(timer); resolve(); });
      sock.once('error', (e) => { clearTimeout(timer); reject(new TransportClosedError(`${name}: ${e.message}`)); });
    });
    sock.write(clientHandshake(`client:${slot.matchKey}`));
    await readServerAnswer(reader, left());
    sock.write(initServer());
    const r = decodeReply(await readPacket(reader, MAX_REPLY, left(), left()));
    if (r.code === RPCCode.Exception) throw new TransportClosedError(`${name}: the RPC server refused the session: ${r.message}`);
    if (r.code !== RPCCode.Return) throw new TransportClosedError(`${name}: unexpected answer to kInitServer`);
  } catch (e) {
    sock.destroy();
    throw e instanceof TransportClosedError ? e : new TransportClosedError((e as Error).message);
  }
  return new RpcTcpBridge(name, sock, reader);
}

/** A micro-wire byte link whose far end is a TVM RPC server over TCP. */
export class RpcTcpBridge implements Transport, SessionListener {
  readonly name: string;
  private readonly sock: net.Socket;
  private readonly reader: SocketReader;
  private readonly session: Session;
  private out: Uint8Array[] = [];
  private dataHandler: (d: Uint8Array) => void = () => undefined;
  private closeHandler: (reason: string) => void = () => undefined;
  private ended: string | undefined;

  constructor(name: string, sock: net.Socket, reader: SocketReader) {
    this.name = name;
    this.sock = sock;
    this.reader = reader;
    this.session = new Session(
      { write: (d: Bytes): Err => { this.out.push(new Uint8Array(d as unknown as Uint8Array)); return Err.Ok; } },
      { randomByte: () => u8(Math.floor(Math.random() * 256)) },
      this,
    );
    this.session.setMaxVersion(u8(SESSION_VERSION));
    void this.pump();
  }

  // SessionListener: the host's side of the micro session, seen from the device end.
  established(): void { /* the host opened its session: nothing to do on TCP */ }
  terminated(): void { /* the host ended its session; the TCP session lasts until close() */ }
  log(): void { /* the host sends no logs */ }
  message(type: u8, body: Bytes): void {
    if (type !== MessageType.Normal || this.sock.destroyed) return;
    this.sock.write(new Uint8Array(body as unknown as Uint8Array)); // a whole MinRPC packet
  }

  /** Server packets -> Normal messages to the host. */
  private async pump(): Promise<void> {
    for (;;) {
      let p: Uint8Array;
      try {
        p = await readPacket(this.reader, MAX_REPLY, undefined, 30_000);
      } catch (e) {
        this.end(this.reader.isEnded && this.reader.buffered === 0 ? `${this.name}: the RPC server closed the connection` : (e as Error).message);
        return;
      }
      if (this.session.isEstablished()) this.session.sendMessage(u8(MessageType.Normal), asBytes(p));
      this.flush();
    }
  }

  private flush(): void {
    if (this.out.length === 0) return;
    const parts = this.out;
    this.out = [];
    for (const d of parts) this.dataHandler(d);
  }

  private end(reason: string): void {
    if (this.ended !== undefined) return;
    this.ended = reason;
    this.sock.destroy();
    this.closeHandler(reason);
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.ended !== undefined) throw new TransportClosedError(`${this.name} is closed`);
    this.session.receive(asBytes(data));
    // Answers (the handshake Reply) go back on a later turn, as from a real link: a Reply
    // delivered before the host's write has resolved reaches it before it waits for one, and it
    // would then wait its whole retry period (1 s) before seeing the session open.
    setImmediate(() => this.flush());
  }

  onData(handler: (data: Uint8Array) => void): void { this.dataHandler = handler; }
  onClose(handler: (reason: string) => void): void { this.closeHandler = handler; }

  async close(): Promise<void> {
    if (this.ended !== undefined) return;
    // kShutdown ends the server's session; it answers nothing (§1.5).
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 1000); // a stalled socket must not hold close()
      this.sock.end(shutdownPacket(), () => { clearTimeout(t); resolve(); });
    });
    this.end(`${this.name}: closed`);
  }
}
