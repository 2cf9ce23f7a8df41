// The session layer (spec §3) as a TVM host runs it: Terminate, then Init with version 1; the
// device's Reply echoes our nonce and adds its own; Normal (0x10) messages carry one RPC packet
// under that session id; Logs (0x03, id 0) are collected, never taken as replies.
import { frame, Unframer } from './framing.ts';
import type { Link } from './link.ts';

const INIT = 0x00;
const REPLY = 0x01;
const TERMINATE = 0x02;
const LOG = 0x03;
const NORMAL = 0x10;

/** TVM's nonce regeneration (§3.3). */
export function regen(n: number): number {
  const r = ((((n & 0x07) << 5) | (n >> 5)) + 1) & 0xff;
  return r === 0 ? 1 : r;
}

export class SessionError extends Error {}

export class MicroSession {
  sid = 0;
  readonly logs: string[] = [];
  private nonce: number;
  private fresh = true;
  private established = false;
  private readonly normal: Uint8Array[] = [];
  private waiter: (() => void) | undefined;
  private terminated = false;
  private readonly unframer = new Unframer((p, ok) => this.onFrame(p, ok));

  private readonly link: Link;

  constructor(link: Link, seed = 0x3c) {
    this.link = link;
    this.nonce = seed;
    link.onData((d) => this.unframer.push(d));
  }

  private sendMessage(sid: number, type: number, body: Uint8Array): void {
    this.link.write(frame(Uint8Array.from([sid & 0xff, sid >> 8, type, ...body]), this.fresh));
    this.fresh = false;
  }

  private onFrame(p: Uint8Array, crcOk: boolean): void {
    if (!crcOk || p.length < 3) return;
    const sid = p[0]! | (p[1]! << 8);
    const type = p[2]!;
    const body = p.subarray(3);
    if (type === REPLY && !this.established && p[0] === this.nonce && p[1] !== 0 && body[0] === 1) {
      this.sid = sid;
      this.established = true;
    } else if (type === LOG) {
      this.logs.push(new TextDecoder().decode(body));
    } else if (type === TERMINATE && this.established) {
      this.terminated = true;
    } else if (type === NORMAL && this.established && sid === this.sid) {
      this.normal.push(Uint8Array.from(body));
    }
    this.waiter?.();
  }

  private async until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!cond()) {
      if (this.terminated) throw new SessionError('remote device terminated connection');
      const left = end - Date.now();
      if (left <= 0) throw new SessionError(`${what}: timeout after ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiter = () => { clearTimeout(t); r(); };
      });
      this.waiter = undefined;
    }
  }

  /** The handshake, retried every retryMs until startMs (§6.2). */
  async open(retryMs: number, startMs: number): Promise<void> {
    const end = Date.now() + startMs;
    while (!this.established) {
      this.sendMessage(0, TERMINATE, new Uint8Array(0));
      this.nonce = regen(this.nonce);
      this.sendMessage(this.nonce, INIT, Uint8Array.of(1));
      try {
        await this.until(() => this.established, Math.min(retryMs, Math.max(1, end - Date.now())), 'session start');
      } catch (e) {
        if (Date.now() >= end) throw new SessionError(`session start handshake failed after ${startMs} ms`);
      }
    }
  }

  /** A new session on the same link (as a new host would open): the device forgets the old one. */
  async reopen(retryMs: number, startMs: number): Promise<void> {
    this.established = false;
    this.normal.length = 0;
    await this.open(retryMs, startMs);
  }

  /** One RPC packet out, and (unless noReply) the next Normal message back. */
  async call(packet: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    this.sendMessage(this.sid, NORMAL, packet);
    await this.until(() => this.normal.length > 0, timeoutMs, 'reply');
    return this.normal.shift()!;
  }

  post(packet: Uint8Array): void {
    this.sendMessage(this.sid, NORMAL, packet);
  }

  /** No unanswered message is waiting. */
  idle(): boolean {
    return this.normal.length === 0;
  }
}
