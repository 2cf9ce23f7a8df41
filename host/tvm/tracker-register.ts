// `urpc serve <uri> --tvm --tracker host:port --key k`: keeps the board registered with a TVM RPC
// tracker the way TVM v0.13's server.py does (shared/spec/tvm-rpc-tracker.md §2.4, §2.9):
//   1. connect, magic exchange; 2. UPDATE_INFO {"key": "server:<k>", "addr": [custom, port]}
//      (always: on disconnect the tracker then drops our free slot);
//   3. PUT [3, k, [port, "<k>:<random>"], custom] and the server expects `client:<k>:<random>`;
//   4. while idle, GET_PENDING_MATCHKEYS every pingMs: when our key has been handed out and no
//      client came for more than unusedMs, the client gave up: PUT a new key;
//   5. after each session, PUT a new key on the same connection (no UPDATE_INFO);
//   6. on any tracker error (it restarted, the network failed) reconnect every retryMs and start
//      again at 1, for as long as we serve.
// Every answer the tracker owes has a deadline (answerTimeoutMs): a silent tracker counts as lost.
import { TrackerConnection } from './tracker-client.ts';
import { TrackerCode } from './tracker-wire.ts';

export interface RegistrationTarget {
  /** The key the RPC server accepts after `client:`. */
  matchKey: string;
  /** A client is being served (the slot is taken; no pings then, as TVM's server). */
  readonly busy: boolean;
}

export interface RegistrationOptions {
  tracker: { host: string; port: number };
  key: string;
  /** The RPC server's port, as clients reach it. */
  port: number;
  /** The address clients should use, when the tracker's view of ours is not reachable (NAT). */
  customAddr?: string;
  server: RegistrationTarget;
  note: (message: string) => void;
  pingMs?: number;
  unusedMs?: number;
  retryMs?: number;
  answerTimeoutMs?: number;
}

export class TrackerRegistration {
  private readonly o: Required<Omit<RegistrationOptions, 'customAddr'>> & { customAddr: string | null };
  private conn: TrackerConnection | undefined;
  private stopped = false;
  private needsPut = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly usedKeys = new Set<string>();
  /** PUTs sent, and tracker connections made (for the operator and tests). */
  puts = 0;
  connections = 0;
  /** The tracker is reachable and holds our registration. */
  registered = false;

  constructor(opts: RegistrationOptions) {
    this.o = { pingMs: 2000, unusedMs: 6000, retryMs: 5000, answerTimeoutMs: 10_000, ...opts, customAddr: opts.customAddr ?? null };
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** A client's session ended: offer the board again with a new key. */
  sessionEnded(): void {
    this.needsPut = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.conn?.close();
    await this.loop;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const self = this;
      function done(): void { clearTimeout(t); self.wake = undefined; resolve(); }
      this.wake = done;
    });
  }

  private newMatchKey(): string {
    for (;;) {
      const k = `${this.o.key}:${Math.random()}`;
      if (!this.usedKeys.has(k)) { this.usedKeys.add(k); return k; }
    }
  }

  private async put(conn: TrackerConnection): Promise<void> {
    const mk = this.newMatchKey();
    this.o.server.matchKey = mk; // before the tracker can hand it out
    await conn.expectSuccess([TrackerCode.PUT, this.o.key, [this.o.port, mk], this.o.customAddr], this.o.answerTimeoutMs);
    this.puts++;
  }

  private async run(): Promise<void> {
    const { host, port } = this.o.tracker;
    let failing = false;
    while (!this.stopped) {
      try {
        const conn = await TrackerConnection.open(host, port, this.o.answerTimeoutMs);
        this.conn = conn;
        this.connections++;
        if (this.stopped) break;
        await conn.expectSuccess([TrackerCode.UPDATE_INFO, { key: `server:${this.o.key}`, addr: [this.o.customAddr, this.o.port] }], this.o.answerTimeoutMs);
        this.needsPut = false;
        await this.put(conn);
        this.registered = true;
        this.o.note(`registered with ${conn.name} as '${this.o.key}'${failing ? ' again' : ''}`);
        failing = false;
        let unused = 0;
        while (!this.stopped) {
          if (!this.needsPut) await this.sleep(this.o.pingMs);
          if (this.stopped) break;
          if (this.needsPut) {
            this.needsPut = false;
            unused = 0;
            await this.put(conn);
            continue;
          }
          if (this.o.server.busy) continue;
          const pending = await conn.ask([TrackerCode.GET_PENDING_MATCHKEYS], this.o.answerTimeoutMs);
          if (!Array.isArray(pending)) throw new Error(`${conn.name}: GET_PENDING_MATCHKEYS answered ${JSON.stringify(pending)}`);
          unused = pending.includes(this.o.server.matchKey) ? 0 : unused + 1;
          if (unused * this.o.pingMs > this.o.unusedMs && !this.o.server.busy) {
            this.o.note(`the client given key ${this.o.server.matchKey} did not come; offering a new key`);
            unused = 0;
            await this.put(conn);
          }
        }
      } catch (e) {
        this.registered = false;
        if (this.stopped) break;
        if (!failing) this.o.note(`tracker ${host}:${port}: ${(e as Error).message}; retrying every ${this.o.retryMs} ms`);
        failing = true;
      } finally {
        this.conn?.close();
        this.conn = undefined;
      }
      if (!this.stopped) await this.sleep(this.o.retryMs);
    }
    this.registered = false;
  }
}
