// A strict UTF-8 validator and decoder (RFC 3629: no overlongs, no surrogates, nothing above
// U+10FFFF), written as the classic byte-at-a-time state machine a terminal or a display driver
// uses. Invalid sequences are replaced by U+FFFD and decoding resumes, and the code points are
// re-encoded as UTF-16LE into the output.
import { u8, u16, u32, rd8, wr16le, wr32le, type Bytes } from '../../../firmware/lib/prelude.ts';

const REPLACEMENT = 0xfffd;

class Utf8Decoder {
  cp = u32(0);
  need = u8(0);
  lower = u8(0x80);
  upper = u8(0xbf);
  errors = u32(0);

  /** Returns a code point, 0xffffffff for "need more", or REPLACEMENT after an error. When an
   * error is found on a continuation position, `retry` is set: the byte must be fed again. */
  retry = false;
  push(b: u8): u32 {
    this.retry = false;
    if (this.need === 0) {
      if (b < 0x80) return u32(b);
      if (b >= 0xc2 && b <= 0xdf) {
        this.need = u8(1);
        this.cp = u32(b & 0x1f);
      } else if (b >= 0xe0 && b <= 0xef) {
        this.lower = b === 0xe0 ? u8(0xa0) : u8(0x80);
        this.upper = b === 0xed ? u8(0x9f) : u8(0xbf);
        this.need = u8(2);
        this.cp = u32(b & 0x0f);
      } else if (b >= 0xf0 && b <= 0xf4) {
        this.lower = b === 0xf0 ? u8(0x90) : u8(0x80);
        this.upper = b === 0xf4 ? u8(0x8f) : u8(0xbf);
        this.need = u8(3);
        this.cp = u32(b & 0x07);
      } else {
        this.errors = u32(this.errors + 1);
        return u32(REPLACEMENT);
      }
      return u32(0xffffffff);
    }
    if (b < this.lower || b > this.upper) {
      this.need = u8(0);
      this.lower = u8(0x80);
      this.upper = u8(0xbf);
      this.errors = u32(this.errors + 1);
      this.retry = true;
      return u32(REPLACEMENT);
    }
    this.lower = u8(0x80);
    this.upper = u8(0xbf);
    this.cp = u32((this.cp << 6) | (b & 0x3f));
    this.need = u8(this.need - 1);
    return this.need === 0 ? this.cp : u32(0xffffffff);
  }
}

const dec = new Utf8Decoder();

export function main(input: Bytes, output: Bytes): u32 {
  dec.need = u8(0);
  dec.lower = u8(0x80);
  dec.upper = u8(0xbf);
  let o = u32(0);
  let cps = u32(0);
  let astral = u32(0);
  let i = u32(0);
  while (i < input.length) {
    const cp = dec.push(rd8(input, i));
    if (!dec.retry) i = u32(i + 1);
    if (cp === 0xffffffff) continue;
    cps = u32(cps + 1);
    if (cp >= 0x10000) {
      astral = u32(astral + 1);
      const v = u32(cp - 0x10000);
      if (u32(o + 4) <= u32(output.length - 12)) {
        wr16le(output, o, u16(0xd800 | (v >>> 10)));
        wr16le(output, u32(o + 2), u16(0xdc00 | (v & 0x3ff)));
        o = u32(o + 4);
      }
    } else if (u32(o + 2) <= u32(output.length - 12)) {
      wr16le(output, o, u16(cp));
      o = u32(o + 2);
    }
  }
  // A truncated sequence at the end is one more error.
  if (dec.need !== 0) dec.errors = u32(dec.errors + 1);
  wr32le(output, u32(output.length - 12), cps);
  wr32le(output, u32(output.length - 8), astral);
  wr32le(output, u32(output.length - 4), dec.errors);
  return o;
}
