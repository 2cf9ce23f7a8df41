// Host-side helpers shared by the framing and session tests.
import { asBytes, u32, type Bytes } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import type { WriteStream } from '../../firmware/framing/framer.ts';
import type { FrameSink } from '../../firmware/framing/unframer.ts';

export const hex = (s: string): Uint8Array =>
  Uint8Array.from(s.split(/\s+/).filter((x) => x !== '').map((x) => parseInt(x, 16)));
export const toHex = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ');
export const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
export const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
export const b = (a: Uint8Array): Bytes => asBytes(a);

/** A WriteStream that records every write; it can be told to fail. */
export class CaptureStream implements WriteStream {
  chunks: Uint8Array[] = [];
  failWith: Err = Err.Ok;
  write(data: Bytes): Err {
    if (this.failWith !== Err.Ok) return this.failWith;
    this.chunks.push(Uint8Array.from(data as unknown as Uint8Array));
    return Err.Ok;
  }
  take(): Uint8Array {
    const all = cat(...this.chunks);
    this.chunks = [];
    return all;
  }
}

export type SinkEvent = { valid: boolean; payload: Uint8Array };

/** A FrameSink that assembles frames and checks the protocol between unframer and sink. */
export class RecordingSink implements FrameSink {
  events: SinkEvent[] = [];
  capacity = 1 << 20;
  private cur: number[] | null = null;
  private expected = 0;
  frameStart(len: u32): Err {
    if (this.cur !== null) throw new Error('frameStart while a frame is open');
    if (len > this.capacity) return Err.SessionReceiveBufferShortWrite;
    this.cur = [];
    this.expected = len;
    return Err.Ok;
  }
  frameData(d: Bytes): Err {
    if (this.cur === null) throw new Error('frameData outside a frame');
    if (d.length === 0) throw new Error('empty frameData');
    for (let i = 0; i < d.length; i++) this.cur.push(d[i]);
    if (this.cur.length > this.expected) throw new Error('more data than the frame length');
    return Err.Ok;
  }
  frameEnd(valid: boolean): void {
    if (this.cur === null) throw new Error('frameEnd outside a frame');
    const payload = Uint8Array.from(this.cur);
    if (valid && payload.length !== this.expected) throw new Error('valid frame with a short payload');
    this.events.push({ valid, payload });
    this.cur = null;
  }
  get open(): boolean {
    return this.cur !== null;
  }
  valid(): Uint8Array[] {
    return this.events.filter((e) => e.valid).map((e) => e.payload);
  }
}
