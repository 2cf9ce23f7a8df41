// A pacing proxy: another Transport seen through a serial line of `baud` (8N1: 10 bit times per
// byte), each direction a line of its own. A byte leaves when the line is free and arrives one
// byte time later, so a call's time over it is its bytes on the wire (the bench's 115200-baud
// rows, issue 16 goal 4). Sub-millisecond delivery times are kept: Node timers wait for the
// whole milliseconds, the rest is polled with setImmediate.

import type { Transport } from './transport.ts';

/** One direction of the line: chunks in, the same chunks out at the line's pace. */
class Line {
  /** When the last byte sent so far arrives (performance.now() µs). */
  freeAt = 0;
  private readonly usPerByte: number;
  private readonly deliver: (d: Uint8Array) => void;
  constructor(baud: number, deliver: (d: Uint8Array) => void) {
    this.usPerByte = 10e6 / baud;
    this.deliver = deliver;
  }
  send(d: Uint8Array): void {
    const now = nowUs();
    this.freeAt = Math.max(now, this.freeAt) + d.length * this.usPerByte;
    deliverAt(this.freeAt, () => this.deliver(d));
  }
}

function nowUs(): number {
  return performance.now() * 1000;
}

/** Calls `f` at `atUs` (performance.now() µs): a timer for the whole ms, then polling. */
function deliverAt(atUs: number, f: () => void): void {
  const wait = (atUs - nowUs()) / 1000;
  if (wait > 1.5) {
    setTimeout(() => deliverAt(atUs, f), Math.floor(wait - 1));
  } else if (wait > 0) {
    setImmediate(() => deliverAt(atUs, f));
  } else {
    f();
  }
}

export class PacedTransport implements Transport {
  readonly name: string;
  readonly baud: number;
  private readonly inner: Transport;
  private readonly up: Line;
  private readonly down: Line;
  private handler: (d: Uint8Array) => void = () => undefined;

  constructor(inner: Transport, baud: number) {
    if (!(baud > 0)) throw new RangeError(`a pacing proxy needs a baud rate above 0 (got ${baud})`);
    this.inner = inner;
    this.baud = baud;
    this.name = `${inner.name} paced at ${baud} baud`;
    // A write the closed link refuses: its close handler has told the session already.
    this.up = new Line(baud, (d) => void this.inner.write(d).catch(() => undefined));
    this.down = new Line(baud, (d) => this.handler(d));
    inner.onData((d) => this.down.send(new Uint8Array(d)));
  }

  /** Resolves when the bytes are on the line (their delivery follows at its pace). */
  async write(data: Uint8Array): Promise<void> {
    this.up.send(new Uint8Array(data));
  }
  onData(handler: (data: Uint8Array) => void): void {
    this.handler = handler;
  }
  onClose(handler: (reason: string) => void): void {
    this.inner.onClose(handler);
  }
  /** Closes the link once what was written is through the line (a session's last Terminate). */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => deliverAt(this.up.freeAt, resolve));
    return this.inner.close();
  }
}
