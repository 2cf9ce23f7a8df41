// Host-side harness for session tests: a recording listener and a scripted random source.
import { u8, type Bytes } from '../../firmware/lib/prelude.ts';
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
