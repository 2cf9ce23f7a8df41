// Base64 (RFC 4648) encode with '=' padding and a strict decoder using a 256-entry reverse table
// (0xff = not in the alphabet). Encodes the input, decodes the result, and also tries the raw
// input as base64 text.
import { u8, u16, u32, bytes, rd8, wr8, wr16le, view, type Bytes } from '../../../firmware/lib/prelude.ts';

const ALPHABET: readonly u8[] = [
  u8(65), u8(66), u8(67), u8(68), u8(69), u8(70), u8(71), u8(72), u8(73), u8(74), u8(75), u8(76), u8(77),
  u8(78), u8(79), u8(80), u8(81), u8(82), u8(83), u8(84), u8(85), u8(86), u8(87), u8(88), u8(89), u8(90),
  u8(97), u8(98), u8(99), u8(100), u8(101), u8(102), u8(103), u8(104), u8(105), u8(106), u8(107), u8(108), u8(109),
  u8(110), u8(111), u8(112), u8(113), u8(114), u8(115), u8(116), u8(117), u8(118), u8(119), u8(120), u8(121), u8(122),
  u8(48), u8(49), u8(50), u8(51), u8(52), u8(53), u8(54), u8(55), u8(56), u8(57), u8(43), u8(47),
];
const PAD = 61;
const BAD = 0xff;

/** The alphabet character of the low 6 bits of v (the guard is the bounds proof). */
function alpha(v: u32): u8 {
  const k = u32(v & 63);
  if (k < ALPHABET.length) {
    return ALPHABET[k];
  }
  return u8(PAD);
}

/** The 6-bit value of an alphabet character, or BAD. */
function sextet(c: u8): u8 {
  if (c >= 65 && c <= 90) return u8(c - 65);
  if (c >= 97 && c <= 122) return u8(c - 71);
  if (c >= 48 && c <= 57) return u8(c + 4);
  if (c === 43) return u8(62);
  if (c === 47) return u8(63);
  return u8(BAD);
}

export function b64Encode(src: Bytes, dst: Bytes): u32 {
  let o = u32(0);
  let i = u32(0);
  while (u32(i + 3) <= src.length) {
    const n = u32((rd8(src, i) << 16) | (rd8(src, u32(i + 1)) << 8) | rd8(src, u32(i + 2)));
    wr8(dst, o, alpha(u32(n >>> 18)));
    wr8(dst, u32(o + 1), alpha(u32(n >>> 12)));
    wr8(dst, u32(o + 2), alpha(u32(n >>> 6)));
    wr8(dst, u32(o + 3), alpha(n));
    i = u32(i + 3);
    o = u32(o + 4);
  }
  const rest = u32(src.length - i);
  if (rest !== 0) {
    const b0 = rd8(src, i);
    const b1 = rest === 2 ? rd8(src, u32(i + 1)) : u8(0);
    wr8(dst, o, alpha(u32(b0 >>> 2)));
    wr8(dst, u32(o + 1), alpha(u32(((b0 & 3) << 4) | (b1 >>> 4))));
    wr8(dst, u32(o + 2), rest === 2 ? alpha(u32((b1 & 15) << 2)) : u8(PAD));
    wr8(dst, u32(o + 3), u8(PAD));
    o = u32(o + 4);
  }
  return o;
}

/** Strict decode: length a multiple of 4, padding only at the end. Returns 0xffffffff on error. */
export function b64Decode(src: Bytes, dst: Bytes): u32 {
  if (u32(src.length & 3) !== 0) return u32(0xffffffff);
  let o = u32(0);
  for (let i = u32(0); i < src.length; i = u32(i + 4)) {
    const last = u32(i + 4) === src.length;
    const c2 = rd8(src, u32(i + 2));
    const c3 = rd8(src, u32(i + 3));
    const s0 = sextet(rd8(src, i));
    const s1 = sextet(rd8(src, u32(i + 1)));
    const pad2 = last && c2 === PAD && c3 === PAD;
    const pad1 = last && !pad2 && c3 === PAD;
    const s2 = pad2 ? u8(0) : sextet(c2);
    const s3 = pad1 || pad2 ? u8(0) : sextet(c3);
    if (s0 === BAD || s1 === BAD || s2 === BAD || s3 === BAD) return u32(0xffffffff);
    const n = u32((s0 << 18) | (s1 << 12) | (s2 << 6) | s3);
    wr8(dst, o, u8(n >>> 16));
    o = u32(o + 1);
    if (!pad2) {
      wr8(dst, o, u8(n >>> 8));
      o = u32(o + 1);
    }
    if (!pad1 && !pad2) {
      wr8(dst, o, u8(n));
      o = u32(o + 1);
    }
  }
  return o;
}

const text = bytes(400);
const data = bytes(300);

export function main(input: Bytes, output: Bytes): u32 {
  const tlen = b64Encode(input, text);
  const dlen = b64Decode(view(text, 0, tlen), data);
  let diff = u32(0);
  for (let i = u32(0); i < input.length; i++) {
    if (rd8(data, i) !== input[i]) diff = u32(diff + 1);
  }
  wr16le(output, 0, u16(tlen));
  wr16le(output, 2, u16(dlen));
  wr16le(output, 4, u16(diff));
  const raw = b64Decode(input, data);
  wr16le(output, 6, u16(raw));
  const shown = tlen < 240 ? tlen : u32(240);
  for (let i = u32(0); i < shown; i++) {
    wr8(output, u32(i + 8), rd8(text, i));
  }
  return tlen;
}
