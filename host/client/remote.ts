// RemoteSession: RpcClient over the host session over a transport (a board, the native firmware
// process). The session opens on connect (deadline startTimeoutMs, retries every retryMs); every
// reply has a deadline (timeoutMs; firstTimeoutMs for the first call after a session opens), and
// an optional end-to-end deadline bounds them all. A device reset fails the waiting call with
// SessionResetError and the next call re-opens the session; every new session makes the tensors
// and function handles from before stale (the device's server is fresh).
import { RpcClient } from './client.ts';
import { BaseSession } from './rpc-session.ts';
import { HostSession, type HostSessionOptions } from './session.ts';
import type { Transport } from '../transport/transport.ts';

export interface RemoteSessionOptions extends HostSessionOptions {
  /** Reply deadline in ms (default 5000). */
  timeoutMs?: number;
  /** Deadline of the first call after a session opens (default 3 x timeoutMs). */
  firstTimeoutMs?: number;
  /** An end-to-end deadline: Date.now() ms by which the session start and every request must be
   * done (`urpc call --timeout`), and its length for error messages. */
  deadline?: { at: number; ms: number };
}

export class RemoteSession<F extends object = {}> extends BaseSession<F> {
  readonly uri: string;
  readonly session: HostSession;

  constructor(uri: string, transport: Transport, opts: RemoteSessionOptions = {}) {
    const hs = new HostSession(transport, opts);
    const client = new RpcClient(async (p, expectsReply, overlap) => {
      if (!hs.isEstablished) client.armFirstCall();
      await hs.ensureOpen(client.deadline);
      if (expectsReply && !client.isWaitingFor(p)) return; // timed out during the handshake
      if (expectsReply && client.failIfStale(p)) return; // names tensors of an earlier session
      await hs.sendPacket(p, expectsReply, overlap);
    }, {
      // Two copy blocks in flight where sequence numbers pair replies with requests. Plain mode
      // (a microTVM device) keeps one: its replies carry nothing to pair them by, and a CRT
      // device may not take a frame while it answers one.
      copyWindow: () => (hs.reliable ? 2 : 1),
      timeoutMs: opts.timeoutMs,
      firstTimeoutMs: opts.firstTimeoutMs ?? 3 * (opts.timeoutMs ?? 5000),
      linkName: transport.name,
      // The session re-opens before the next call if the request was sent; handles go when a
      // new session is established (onEstablished).
      onTimeout: () => hs.requestTimedOut(),
      onDesync: () => hs.resync(),
    });
    client.deadline = opts.deadline;
    super(client);
    this.uri = uri;
    this.session = hs;
    hs.onPacket = (p) => client.onPacket(p);
    hs.onLog = (t) => this.emitLog(t);
    hs.onEstablished = () => this.forgetHandles();
    hs.onReset = (e) => {
      client.abort(e);
      this.forgetHandles();
    };
    hs.onClosed = (e) => client.abort(e);
    hs.onBadReply = (why) => client.badReply(why);
  }

  /** Opens the session over `transport` (waits for the handshake). */
  static async open<F extends object = {}>(uri: string, transport: Transport, opts: RemoteSessionOptions = {}): Promise<RemoteSession<F>> {
    const s = new RemoteSession<F>(uri, transport, opts);
    try {
      await s.session.ensureOpen(opts.deadline);
    } catch (e) {
      await transport.close().catch(() => undefined);
      throw e;
    }
    return s;
  }

  /** Ends the session (Terminate) and closes the transport; the firmware process exits. */
  close(): Promise<void> {
    return this.session.close();
  }
}
