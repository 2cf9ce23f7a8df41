// Framing (spec §2), written from shared/spec/microtvm-wire.md only: FF FD, escaped u32 length,
// escaped payload, escaped CRC-16/CCITT-FALSE (the `crc` package) over the wire bytes from FF FD.
import { crc16ccitt } from 'crc';

const ESC = 0xff;
const NOP = 0xfe;
const START = 0xfd;

/** CRC-16/CCITT-FALSE (init 0xFFFF), continued from `prev`. */
export function crc16(data: Uint8Array, prev?: number): number {
  const b = Buffer.from(data.buffer, data.byteOffset, data.length);
  return prev === undefined ? crc16ccitt(b) : crc16ccitt(b, prev);
}

function escaped(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (const b of bytes) {
    out.push(b);
    if (b === ESC) out.push(ESC);
  }
  return out;
}

/** One frame; `nop` puts the lone FE in front (a fresh framer's first frame). */
export function frame(payload: Uint8Array, nop: boolean): Uint8Array {
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, payload.length, true);
  const hashed = Uint8Array.from([ESC, START, ...escaped(len), ...escaped(payload)]);
  const crc = crc16(hashed);
  return Uint8Array.from([...(nop ? [NOP] : []), ...hashed, ...escaped(Uint8Array.of(crc & 0xff, crc >> 8))]);
}

type State = 'start' | 'length' | 'payload' | 'crc';

/** The receiver state machine of §2.5. Calls onFrame(payload, crcOk) for each complete frame;
 * counts framing errors (aborted frames, invalid escapes). */
export class Unframer {
  errors = 0;
  private state: State = 'start';
  private sawFF = false;
  private crc = 0;
  private field: number[] = [];
  private payload: number[] = [];
  private remaining = 0;

  private readonly onFrame: (payload: Uint8Array, crcOk: boolean) => void;
  constructor(onFrame: (payload: Uint8Array, crcOk: boolean) => void) {
    this.onFrame = onFrame;
  }

  push(data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.byte(data[i]!);
  }

  private begin(): void {
    this.state = 'length';
    this.crc = crc16(Uint8Array.of(ESC, START));
    this.field = [];
    this.payload = [];
  }

  private byte(b: number): void {
    if (this.state === 'start') {
      if (b === ESC) this.sawFF = true;
      else if (b === START && this.sawFF) {
        this.sawFF = false;
        this.begin();
      } else this.sawFF = false;
      return;
    }
    // Inside a frame: length and payload bytes are hashed as they are on the wire.
    if (this.state !== 'crc') this.crc = crc16(Uint8Array.of(b), this.crc);
    if (!this.sawFF) {
      if (b === ESC) this.sawFF = true;
      else this.data(b);
      return;
    }
    this.sawFF = false;
    if (b === ESC) this.data(ESC);
    else if (b === NOP) return;
    else if (b === START) {
      // A new frame starts here: the current one is abandoned.
      this.errors++;
      this.begin();
    } else {
      this.errors++;
      this.state = 'start';
    }
  }

  private data(b: number): void {
    this.field.push(b);
    if (this.state === 'length' && this.field.length === 4) {
      this.remaining = new DataView(Uint8Array.from(this.field).buffer).getUint32(0, true);
      this.field = [];
      this.state = this.remaining === 0 ? 'crc' : 'payload';
    } else if (this.state === 'payload') {
      this.payload.push(b);
      this.field = [];
      if (--this.remaining === 0) this.state = 'crc';
    } else if (this.state === 'crc' && this.field.length === 2) {
      const got = this.field[0]! | (this.field[1]! << 8);
      this.state = 'start';
      this.onFrame(Uint8Array.from(this.payload), got === this.crc);
    }
  }
}
