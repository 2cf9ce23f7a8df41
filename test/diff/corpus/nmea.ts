// An NMEA 0183 sentence checker as in a GPS driver: "$GPGGA,...*hh\r\n" with the XOR of the bytes
// between '$' and '*' as two hex digits; sentences of at most 82 characters. Bytes arrive in
// chunks (state kept across cases). The driver also builds well-formed sentences from the input
// (with some corrupted on purpose) so the checksum path is exercised, then feeds both streams.
import { u8, u16, u32, bytes, rd8, wr8, wr16le, log, type Bytes } from '../../../firmware/lib/prelude.ts';

const MAX_LEN = 82;

const Ph = { Hunt: 0, Body: 1, Sum1: 2, Sum2: 3, Cr: 4, Lf: 5 } as const;
type Ph = (typeof Ph)[keyof typeof Ph];

function hexVal(c: u8): u8 {
  if (c >= 0x30 && c <= 0x39) return u8(c - 0x30);
  if (c >= 0x41 && c <= 0x46) return u8(c - 0x37);
  return u8(0xff);
}

class NmeaChecker {
  phase: Ph = Ph.Hunt;
  sum = u8(0);
  given = u8(0);
  len = u32(0);
  fields = u8(0);
  ok = u16(0);
  bad = u16(0);
  lastFields = u8(0);

  fail(): void {
    this.bad = u16(this.bad + 1);
    this.phase = Ph.Hunt;
  }

  push(c: u8): boolean {
    if (c === 0x24) {
      // '$' always starts a new sentence, even in the middle of one.
      if (this.phase !== Ph.Hunt) this.bad = u16(this.bad + 1);
      this.phase = Ph.Body;
      this.sum = u8(0);
      this.len = u32(1);
      this.fields = u8(1);
      return false;
    }
    if (this.phase === Ph.Hunt) return false;
    this.len = u32(this.len + 1);
    if (this.len > MAX_LEN) {
      this.fail();
      return false;
    }
    switch (this.phase) {
      case Ph.Body:
        if (c === 0x2a) {
          this.phase = Ph.Sum1;
        } else if (c < 0x20 || c > 0x7e) {
          this.fail();
        } else {
          if (c === 0x2c) this.fields = u8(this.fields + 1);
          this.sum = u8(this.sum ^ c);
        }
        return false;
      case Ph.Sum1: {
        const v = hexVal(c);
        if (v === 0xff) {
          this.fail();
        } else {
          this.given = u8(v << 4);
          this.phase = Ph.Sum2;
        }
        return false;
      }
      case Ph.Sum2: {
        const v = hexVal(c);
        if (v === 0xff) {
          this.fail();
        } else {
          this.given = u8(this.given | v);
          this.phase = Ph.Cr;
        }
        return false;
      }
      case Ph.Cr:
        if (c === 0x0d) this.phase = Ph.Lf;
        else this.fail();
        return false;
      case Ph.Lf:
        this.phase = Ph.Hunt;
        if (c !== 0x0a || this.given !== this.sum) {
          this.bad = u16(this.bad + 1);
          return false;
        }
        this.ok = u16(this.ok + 1);
        this.lastFields = this.fields;
        return true;
    }
  }
}

const checker = new NmeaChecker();
const built = bytes(400);
const HEXU: readonly u8[] = [u8(48), u8(49), u8(50), u8(51), u8(52), u8(53), u8(54), u8(55), u8(56), u8(57), u8(65), u8(66), u8(67), u8(68), u8(69), u8(70)];

function hexDigit(v: u8): u8 {
  const k = u8(v & 15);
  if (k < HEXU.length) {
    return HEXU[k];
  }
  return u8(0x3f);
}

/** Sentences of up to 10 printable characters from input chunks; every 7th gets a wrong sum. */
function build(input: Bytes): u32 {
  let o = u32(0);
  let n = u32(0);
  let i = u32(0);
  while (i < input.length && u32(o + 20) <= built.length) {
    const len = u32(rd8(input, i) & 7);
    i = u32(i + 1);
    wr8(built, o, u8(0x24));
    o = u32(o + 1);
    let sum = u8(0);
    for (let k = u32(0); k < len && i < input.length; k = u32(k + 1)) {
      let c = u8(0x20 + (rd8(input, i) & 0x3f));
      if (c === 0x24 || c === 0x2a) c = u8(0x2c);
      wr8(built, o, c);
      sum = u8(sum ^ c);
      o = u32(o + 1);
      i = u32(i + 1);
    }
    n = u32(n + 1);
    if (u32(n - 7 * u32(n >>> 3)) === 7) sum = u8(sum ^ 1);
    wr8(built, o, u8(0x2a));
    wr8(built, u32(o + 1), hexDigit(u8(sum >>> 4)));
    wr8(built, u32(o + 2), hexDigit(sum));
    wr8(built, u32(o + 3), u8(0x0d));
    wr8(built, u32(o + 4), u8(0x0a));
    o = u32(o + 5);
  }
  return o;
}

export function main(input: Bytes, output: Bytes): u32 {
  const n = build(input);
  let o = u32(8);
  for (let i = u32(0); i < n; i++) {
    if (checker.push(rd8(built, i)) && o < output.length) {
      wr8(output, o, checker.lastFields);
      o = u32(o + 1);
    }
  }
  for (let i = u32(0); i < input.length; i++) {
    if (checker.push(input[i])) log('raw sentence', checker.lastFields);
  }
  wr16le(output, 0, checker.ok);
  wr16le(output, 2, checker.bad);
  wr8(output, 4, u8(checker.phase));
  return u32(checker.ok);
}
