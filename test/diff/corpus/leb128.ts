// LEB128 / protobuf varints: decode a stream of unsigned varints from the input (at most 5 bytes
// each for a u32; longer or truncated ones are errors), zigzag-decode them as sint32, and
// re-encode each value; the re-encoding must be the shortest form.
import { u8, u16, u32, i32, bytes, rd8, wr8, wr16le, wr32le, view, type Bytes } from '../../../firmware/lib/prelude.ts';

const Varint = { Ok: 0, Truncated: 1, TooLong: 2 } as const;
type Varint = (typeof Varint)[keyof typeof Varint];

class Reader {
  pos = u32(0);
  error: Varint = Varint.Ok;

  /** The next unsigned varint of b, or 0 with error set. */
  next(b: Bytes): u32 {
    let result = u32(0);
    let shift = u32(0);
    for (;;) {
      if (this.pos >= b.length) {
        this.error = Varint.Truncated;
        return u32(0);
      }
      const byte = rd8(b, this.pos);
      this.pos = u32(this.pos + 1);
      if (shift === 28 && u8(byte & 0xf0) !== 0) {
        this.error = Varint.TooLong;
        return u32(0);
      }
      result = u32(result | ((byte & 0x7f) << shift));
      if (u8(byte & 0x80) === 0) {
        return result;
      }
      shift = u32(shift + 7);
    }
  }
}

const reader = new Reader();

export function encodeVarint(v: u32, dst: Bytes, at: u32): u32 {
  let x = v;
  let o = at;
  while (x >= 0x80) {
    wr8(dst, o, u8((x & 0x7f) | 0x80));
    x = u32(x >>> 7);
    o = u32(o + 1);
  }
  wr8(dst, o, u8(x));
  return u32(o + 1);
}

export function zigzagDecode(n: u32): i32 {
  return i32((n >>> 1) ^ -(n & 1));
}

export function zigzagEncode(v: i32): u32 {
  return u32((v << 1) ^ (v >> 31));
}

const scratch = bytes(8);

export function main(input: Bytes, output: Bytes): u32 {
  reader.pos = u32(0);
  reader.error = Varint.Ok;
  let count = u32(0);
  let o = u32(4);
  let sum = i32(0);
  let nonMinimal = u16(0);
  while (reader.pos < input.length) {
    const start = reader.pos;
    const v = reader.next(input);
    if (reader.error !== Varint.Ok) break;
    const n = encodeVarint(v, scratch, u32(0));
    if (n !== u32(reader.pos - start)) nonMinimal = u16(nonMinimal + 1);
    const s = zigzagDecode(v);
    if (zigzagEncode(s) !== v) wr8(output, 3, u8(0xee));
    sum = i32(sum + s);
    if (u32(o + 4) <= output.length) {
      wr32le(output, o, v);
      o = u32(o + 4);
    }
    count = u32(count + 1);
  }
  wr8(output, 0, u8(count));
  wr8(output, 1, u8(reader.error));
  wr8(output, 2, u8(nonMinimal));
  wr32le(output, u32(output.length - 4), u32(sum));
  wr16le(output, u32(output.length - 6), u16(rd8(view(scratch, 0, 1), 0)));
  return count;
}
