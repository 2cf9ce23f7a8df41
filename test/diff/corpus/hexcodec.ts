// Intel HEX record parsing as in a serial bootloader: ":LLAAAATT<data>CC" lines, hex digits in
// either case, checksum = two's complement of the byte sum. Data records (type 00) are written
// into a 256-byte flash image at their 16-bit address (low byte); EOF (01) ends the image. The
// driver also builds valid records from the input bytes so the happy path runs.
import { u8, u16, u32, bytes, rd8, wr8, wr16le, wr32le, view, fill, type Bytes } from '../../../firmware/lib/prelude.ts';

const IHex = { Ok: 0, NoColon: 1, BadDigit: 2, BadSum: 3, BadType: 4, Short: 5, Range: 6 } as const;
type IHex = (typeof IHex)[keyof typeof IHex];

const image = bytes(256);
let eof = false;
let records = u32(0);

function nibble(c: u8): u8 {
  if (c >= 0x30 && c <= 0x39) return u8(c - 0x30);
  const l = u8(c | 0x20);
  if (l >= 0x61 && l <= 0x66) return u8(l - 0x57);
  return u8(0xff);
}

class Hex {
  bad = false;
  byteAt(b: Bytes, at: u32): u8 {
    const hi = nibble(rd8(b, at));
    const lo = nibble(rd8(b, u32(at + 1)));
    if (hi === 0xff || lo === 0xff) {
      this.bad = true;
      return u8(0);
    }
    return u8((hi << 4) | lo);
  }
}
const hx = new Hex();

export function parseRecord(line: Bytes): IHex {
  if (line.length < 11) return IHex.Short;
  if (rd8(line, 0) !== 0x3a) return IHex.NoColon;
  hx.bad = false;
  const len = hx.byteAt(line, u32(1));
  if (hx.bad) return IHex.BadDigit;
  if (line.length !== u32(11 + len * 2)) return IHex.Short;
  let sum = u8(0);
  for (let k = u32(0); k < u32(len + 5); k++) {
    sum = u8(sum + hx.byteAt(line, u32(1 + k * 2)));
  }
  if (hx.bad) return IHex.BadDigit;
  if (sum !== 0) return IHex.BadSum;
  const addr = u16((hx.byteAt(line, u32(3)) << 8) | hx.byteAt(line, u32(5)));
  const type = hx.byteAt(line, u32(7));
  if (type === 1) {
    eof = true;
    return IHex.Ok;
  }
  if (type !== 0) return IHex.BadType;
  if (u32((addr & 0xff) + len) > image.length) return IHex.Range;
  const n = u32(len);
  for (let k = u32(0); k < n; k++) {
    wr8(image, u32((addr & 0xff) + k), hx.byteAt(line, u32(9 + k * 2)));
  }
  records = u32(records + 1);
  return IHex.Ok;
}

const DIGITS: readonly u8[] = [u8(48), u8(49), u8(50), u8(51), u8(52), u8(53), u8(54), u8(55), u8(56), u8(57), u8(65), u8(66), u8(67), u8(68), u8(69), u8(70)];
const rec = bytes(64);

class RecWriter {
  pos = u32(0);
  sum = u8(0);
  hexByte(v: u8): void {
    const hi = u32(v >>> 4);
    const lo = u32(v & 15);
    if (hi < DIGITS.length && lo < DIGITS.length) {
      wr8(rec, this.pos, DIGITS[hi]);
      wr8(rec, u32(this.pos + 1), DIGITS[lo]);
    }
    this.pos = u32(this.pos + 2);
    this.sum = u8(this.sum + v);
  }
}
const rw = new RecWriter();

/** A data record of up to 16 bytes of src at addr; returns its length in rec. */
function makeRecord(addr: u16, src: Bytes, type: u8): u32 {
  rw.pos = u32(1);
  rw.sum = u8(0);
  wr8(rec, 0, u8(0x3a));
  rw.hexByte(u8(src.length));
  rw.hexByte(u8(addr >>> 8));
  rw.hexByte(u8(addr));
  rw.hexByte(type);
  for (let i = u32(0); i < src.length; i++) rw.hexByte(src[i]);
  rw.hexByte(u8(0 - rw.sum));
  return rw.pos;
}

export function main(input: Bytes, output: Bytes): u32 {
  fill(image, u8(0xff), 0, image.length);
  eof = false;
  records = u32(0);
  let errs = u32(0);
  let i = u32(0);
  let o = u32(0);
  while (u32(i + 2) <= input.length && !eof) {
    const ctl = rd8(input, i);
    const n = u32(ctl & 15);
    const end = u32(i + 2 + n) <= input.length ? u32(i + 2 + n) : input.length;
    const len = makeRecord(u16(rd8(input, u32(i + 1)) | 0x100), view(input, u32(i + 2), end), u8(ctl >>> 7));
    // Corrupt one digit now and then, as a noisy line would.
    if (u8(ctl & 0x70) === 0x70) wr8(rec, u32(len - 1), u8(0x47));
    const st = parseRecord(view(rec, 0, len));
    if (st !== IHex.Ok) errs = u32(errs + 1);
    if (o < 64) {
      wr8(output, o, u8(st));
      o = u32(o + 1);
    }
    i = end;
  }
  // The raw input as one record.
  const raw = parseRecord(input);
  wr8(output, 64, u8(raw));
  wr32le(output, 68, records);
  wr16le(output, 72, u16(errs));
  for (let k = u32(0); k < 128; k++) wr8(output, u32(128 + k), rd8(image, u32(k * 2)));
  return records;
}
