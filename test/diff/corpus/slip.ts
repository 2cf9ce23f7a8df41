// SLIP (RFC 1055) framing: an encoder, and a byte-at-a-time decoder class that keeps its state
// between calls the way a UART RX interrupt handler feeds it. Input bytes are fed to a decoder
// that lives in module state, so a packet may span several cases.
import { u8, u16, u32, bytes, wr8, wr16le, rd8, copy, view, type Bytes } from '../../../firmware/lib/prelude.ts';

const END = 0xc0;
const ESC = 0xdb;
const ESC_END = 0xdc;
const ESC_ESC = 0xdd;

const RxState = { Idle: 0, InPacket: 1, Escaped: 2, Overflow: 3 } as const;
type RxState = (typeof RxState)[keyof typeof RxState];

class SlipDecoder {
  buf = bytes(64);
  len = u32(0);
  state: RxState = RxState.Idle;
  packets = u16(0);
  errors = u16(0);

  /** Feed one byte; returns true when a complete packet is in buf[0, len). */
  feed(b: u8): boolean {
    if (b === END) {
      const done = this.state === RxState.InPacket && this.len > 0;
      if (this.state === RxState.Overflow || this.state === RxState.Escaped) {
        this.errors = u16(this.errors + 1);
      }
      this.state = RxState.InPacket;
      if (done) {
        this.packets = u16(this.packets + 1);
        return true;
      }
      this.len = u32(0);
      return false;
    }
    switch (this.state) {
      case RxState.Idle:
        this.state = RxState.InPacket;
        this.put(b);
        break;
      case RxState.InPacket:
        if (b === ESC) {
          this.state = RxState.Escaped;
        } else {
          this.put(b);
        }
        break;
      case RxState.Escaped:
        if (b === ESC_END) {
          this.state = RxState.InPacket;
          this.put(u8(END));
        } else if (b === ESC_ESC) {
          this.state = RxState.InPacket;
          this.put(u8(ESC));
        } else {
          this.errors = u16(this.errors + 1);
          this.state = RxState.Overflow;
        }
        break;
      case RxState.Overflow:
        break;
    }
    return false;
  }

  put(b: u8): void {
    if (this.len < this.buf.length) {
      this.buf[this.len] = b; // the field guard proves it
      this.len = u32(this.len + 1);
    } else {
      this.state = RxState.Overflow;
      this.errors = u16(this.errors + 1);
    }
  }

  take(): Bytes {
    const n = this.len;
    this.len = u32(0);
    return view(this.buf, 0, n);
  }
}

const rx = new SlipDecoder();

/** Encode src as one SLIP packet (leading and trailing END) into dst at `at`; returns the end. */
export function slipEncode(src: Bytes, dst: Bytes, at: u32): u32 {
  let o = at;
  wr8(dst, o, u8(END));
  o = u32(o + 1);
  for (let i = u32(0); i < src.length; i++) {
    const b = src[i];
    if (b === END) {
      wr8(dst, o, u8(ESC));
      wr8(dst, u32(o + 1), u8(ESC_END));
      o = u32(o + 2);
    } else if (b === ESC) {
      wr8(dst, o, u8(ESC));
      wr8(dst, u32(o + 1), u8(ESC_ESC));
      o = u32(o + 2);
    } else {
      wr8(dst, o, b);
      o = u32(o + 1);
    }
  }
  wr8(dst, o, u8(END));
  return u32(o + 1);
}

const txbuf = bytes(128);

export function main(input: Bytes, output: Bytes): u32 {
  let o = u32(4);
  for (let i = u32(0); i < input.length; i++) {
    if (rx.feed(input[i])) {
      const pkt = rx.take();
      // Echo each complete packet re-encoded, while it fits in the output.
      if (u32(o + 2 + pkt.length * 2) < output.length) {
        o = slipEncode(pkt, output, o);
      }
    }
  }
  wr16le(output, 0, rx.packets);
  wr16le(output, 2, rx.errors);
  // Encode the first 60 bytes of the input into txbuf and keep its tail.
  const head = view(input, 0, input.length < 60 ? input.length : u32(60));
  const n = slipEncode(head, txbuf, u32(0));
  copy(output, 200, view(txbuf, 0, n < 56 ? n : u32(56)));
  return u32(o + rd8(txbuf, 0));
}
