// Host-side harness for session tests: a recording listener and a scripted random source.
import assert from 'node:assert/strict';
import { asBytes, u8, type Bytes } from '../../firmware/lib/prelude.ts';
import { Session, type RandomSource, type SessionListener } from '../../firmware/session/session.ts';
import { CaptureStream } from './framing-helpers.ts';

export type SessionEvent =
  | { kind: 'established'; sid: number }
  | { kind: 'terminated' }
  | { kind: 'message'; type: number; body: Uint8Array }
  | { kind: 'log'; text: Uint8Array };

export class FixedRandom implements RandomSource {
  private readonly values: number[];
  private i = 0;
  constructor(values: number[]) {
    this.values = values;
  }
  randomByte() {
    const v = this.values[Math.min(this.i, this.values.length - 1)];
    this.i++;
    return u8(v);
  }
}

export class Recorder implements SessionListener {
  events: SessionEvent[] = [];
  session!: Session;
  established(): void {
    this.events.push({ kind: 'established', sid: this.session.sessionId() });
  }
  terminated(): void {
    this.events.push({ kind: 'terminated' });
  }
  message(type: number, body: Bytes): void {
    this.events.push({ kind: 'message', type, body: Uint8Array.from(body as unknown as Uint8Array) });
  }
  log(text: Bytes): void {
    this.events.push({ kind: 'log', text: Uint8Array.from(text as unknown as Uint8Array) });
  }
  take(): SessionEvent[] {
    const e = this.events;
    this.events = [];
    return e;
  }
}

/** A session writing into a capture stream, with a scripted nonce. */
export function endpoint(nonce: number): { s: Session; out: CaptureStream; rec: Recorder } {
  const out = new CaptureStream();
  const rec = new Recorder();
  const s = new Session(out, new FixedRandom([nonce]), rec);
  rec.session = s;
  return { s, out, rec };
}

/** One handshake between a host and a device session offering at most `hostMax` and `deviceMax`
 * (session version negotiation): the version each side settled on, and the device's Reply. */
export function negotiate(hostMax: number, deviceMax: number): { host: number; device: number; reply: Uint8Array } {
  const host = endpoint(0x3c);
  const dev = endpoint(0xab);
  host.s.setMaxVersion(u8(hostMax));
  dev.s.setMaxVersion(u8(deviceMax));
  dev.s.initialize();
  host.s.initialize();
  host.s.startSession();
  dev.out.take();
  dev.s.receive(asBytes(host.out.take()));
  const reply = dev.out.take();
  host.s.receive(asBytes(reply));
  assert.ok(host.s.isEstablished() && dev.s.isEstablished());
  assert.equal(host.s.sessionId(), dev.s.sessionId());
  return { host: host.s.sessionVersion(), device: dev.s.sessionVersion(), reply };
}
