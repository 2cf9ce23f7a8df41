// A TVM v0.13 RPC tracker for the tests (not shipped), written from
// shared/spec/tvm-rpc-tracker.md §2 alone; it shares no code with host/tvm. Its own byte vectors
// (T1-T10, the priority and stale-slot sequences) are checked in test/tracker/tracker.test.ts,
// so the flows that run urpc against it run against the tracker the spec observed.
import * as net from 'node:net';

type J = null | boolean | number | string | J[] | { [k: string]: J };

/** json.dumps with Python's separators, ASCII only. */
function dumps(v: J): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') {
    let s = '"';
    for (const c of v) {
      const n = c.codePointAt(0)!;
      if (c === '"' || c === '\\') s += `\\${c}`;
      else if (n < 0x20 || n > 0x7e) {
        const units = n > 0xffff ? [0xd800 + ((n - 0x10000) >> 10), 0xdc00 + ((n - 0x10000) & 0x3ff)] : [n];
        s += units.map((u) => ({ 10: '\\n', 13: '\\r', 9: '\\t', 8: '\\b', 12: '\\f' } as Record<number, string>)[u] ?? `\\u${u.toString(16).padStart(4, '0')}`).join('');
      } else s += c;
    }
    return `${s}"`;
  }
  if (Array.isArray(v)) return `[${v.map(dumps).join(', ')}]`;
  return `{${Object.keys(v).map((k) => `${dumps(k)}: ${dumps(v[k]!)}`).join(', ')}}`;
}

interface Conn {
  sock: net.Socket;
  ip: string;
  info: Record<string, J>;
  pending: Set<string>;
  closed: boolean;
}
interface Slot { addr: string; port: number; matchKey: string; owner: Conn }
interface Req { conn: Conn; prio: number; n: number }
interface Scheduler { slots: Slot[]; reqs: Req[] }

export class TestTracker {
  private server: net.Server;
  private readonly conns = new Set<Conn>();
  private readonly sched = new Map<string, Scheduler>();
  private counter = 0;
  readonly stopKey = `tracker:${Math.random()}`;
  port = 0;
  /** Every message received, as [peer port, JSON text] (the tests read the conversation). */
  readonly log: { from: number; text: string }[] = [];

  constructor() {
    this.server = net.createServer((s) => this.accept(s));
  }

  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Stops listening and drops every connection (a tracker that died). */
  async close(): Promise<void> {
    for (const c of this.conns) c.sock.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private scheduler(key: string): Scheduler {
    let s = this.sched.get(key);
    if (s === undefined) { s = { slots: [], reqs: [] }; this.sched.set(key, s); }
    return s;
  }

  private send(c: Conn, v: J): void {
    if (c.closed) return;
    const t = Buffer.from(dumps(v), 'ascii');
    const h = Buffer.alloc(4);
    h.writeInt32LE(t.length);
    c.sock.write(h); // size and JSON in two writes, as Tornado often does
    c.sock.write(t);
  }

  private accept(sock: net.Socket): void {
    const c: Conn = { sock, ip: sock.remoteAddress!.replace(/^::ffff:/, ''), info: {}, pending: new Set(), closed: false };
    this.conns.add(c);
    sock.on('error', () => undefined);
    sock.on('close', () => this.closed(c));
    let state: 'magic' | 'open' | 'wedged' = 'magic';
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      if (state === 'magic') {
        // The first recv() chunk is the handshake and must be exactly the 4 magic bytes.
        if (chunk.length !== 4 || chunk.readInt32LE(0) !== 0x2f271) { sock.destroy(); return; }
        sock.write(chunk);
        state = 'open';
        return;
      }
      if (state === 'wedged') return;
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4) {
        const n = buf.readInt32LE(0);
        if (n === 0) { state = 'wedged'; return; } // v0.13 re-reads the same header for ever
        if (buf.length < 4 + n) return;
        const text = buf.subarray(4, 4 + n).toString('utf8');
        buf = buf.subarray(4 + n);
        this.log.push({ from: sock.remotePort ?? 0, text });
        let msg: J;
        try { msg = JSON.parse(text) as J; } catch { return; }
        this.handle(c, msg);
      }
    });
  }

  private closed(c: Conn): void {
    if (c.closed) return;
    c.closed = true;
    this.conns.delete(c);
    if (!('key' in c.info)) return; // no UPDATE_INFO "key": its slots stay (stale)
    for (const mk of c.pending) {
      const s = this.sched.get(mk.slice(0, mk.lastIndexOf(':')));
      if (s !== undefined) s.slots = s.slots.filter((x) => x.matchKey !== mk);
    }
  }

  private handle(c: Conn, m: J): void {
    if (!Array.isArray(m)) return; // a handler error: no reply (v0.13)
    switch (m[0]) {
      case 1: this.send(c, 0); return;
      case 2:
        if (m[1] === this.stopKey) { this.send(c, 0); void this.close(); } else this.send(c, -1);
        return;
      case 3: {
        const [, key, [port, mk] = [], custom] = m as [number, string, [number, string], string | null];
        const s: Slot = { addr: custom ?? c.ip, port: port!, matchKey: mk!, owner: c };
        this.scheduler(key).slots.push(s);
        c.pending.add(mk!);
        this.send(c, 0);
        this.match(key);
        return;
      }
      case 4: {
        const [, key, , prio] = m as [number, string, string, number];
        this.scheduler(key).reqs.push({ conn: c, prio, n: this.counter++ });
        this.match(key);
        return;
      }
      case 5: {
        const info = { ...(m[1] as Record<string, J>) };
        if (Array.isArray(info.addr) && info.addr[0] === null) info.addr = [c.ip, info.addr[1]!];
        Object.assign(c.info, info);
        this.send(c, 0);
        return;
      }
      case 6: {
        const queue: Record<string, J> = {};
        for (const [k, s] of this.sched) queue[k] = { free: s.slots.length, pending: s.reqs.length };
        const servers = [...this.conns].filter((x) => typeof x.info.key === 'string' && (x.info.key as string).startsWith('server')).map((x) => x.info);
        this.send(c, [0, { queue_info: queue, server_info: servers }]);
        return;
      }
      case 7: this.send(c, [...c.pending]); return;
      default: c.sock.destroy();
    }
  }

  private match(key: string): void {
    const s = this.scheduler(key);
    while (s.slots.length > 0 && s.reqs.length > 0) {
      s.reqs.sort((a, b) => b.prio - a.prio || a.n - b.n);
      const slot = s.slots.shift()!;
      const req = s.reqs.shift()!;
      if (req.conn.closed) { s.slots.unshift(slot); continue; }
      this.send(req.conn, [0, [slot.addr, slot.port, slot.matchKey]]);
      slot.owner.pending.delete(slot.matchKey);
    }
  }
}
