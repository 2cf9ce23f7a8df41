// A UART-style byte ring buffer (power-of-two size, free-running u16 head/tail indices) that
// persists across cases: each input is a script of operations, so the ring fills, wraps and
// drains over many calls. Op byte: 0x00-0x3f push that many following bytes, 0x40-0x7f pop that
// many into the output, 0x80 peek, 0x81 clear, others push the byte itself.
import { u8, u16, u32, bytes, rd8, wr8, wr16le, type Bytes } from '../../../firmware/lib/prelude.ts';

const SIZE = 64;
const MASK = 63;

class Ring {
  data = bytes(SIZE);
  head = u16(0);
  tail = u16(0);
  dropped = u32(0);

  count(): u16 {
    return u16(this.head - this.tail);
  }
  push(b: u8): boolean {
    if (this.count() >= SIZE) {
      this.dropped = u32(this.dropped + 1);
      return false;
    }
    wr8(this.data, u32(this.head & MASK), b);
    this.head = u16(this.head + 1);
    return true;
  }
  pop(): u8 {
    if (this.head === this.tail) return u8(0);
    const b = rd8(this.data, u32(this.tail & MASK));
    this.tail = u16(this.tail + 1);
    return b;
  }
  peek(): u8 {
    return this.head === this.tail ? u8(0) : rd8(this.data, u32(this.tail & MASK));
  }
}

const ring = new Ring();

export function main(input: Bytes, output: Bytes): u32 {
  let i = u32(0);
  let o = u32(8);
  while (i < input.length) {
    const op = rd8(input, i);
    i = u32(i + 1);
    if (op < 0x40) {
      for (let k = u8(0); k < op; k++) {
        if (i >= input.length) break;
        ring.push(rd8(input, i));
        i = u32(i + 1);
      }
    } else if (op < 0x80) {
      const n = u8(op - 0x40);
      for (let k = u8(0); k < n; k++) {
        if (o >= output.length) break;
        wr8(output, o, ring.pop());
        o = u32(o + 1);
      }
    } else if (op === 0x80) {
      wr8(output, 7, ring.peek());
    } else if (op === 0x81) {
      ring.tail = ring.head;
    } else {
      ring.push(op);
    }
  }
  wr16le(output, 0, ring.count());
  wr16le(output, 2, ring.head);
  wr16le(output, 4, u16(ring.dropped));
  return u32(o - 8);
}
