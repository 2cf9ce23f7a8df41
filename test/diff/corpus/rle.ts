// PackBits run-length coding (the TIFF / Apple scheme): header n in 0..127 copies n+1 literal
// bytes, n in 129..255 repeats the next byte 257-n times, 128 is a no-op. Encode, decode, compare,
// and decode the raw input as a PackBits stream into a bounded buffer.
import { u8, u16, u32, bytes, rd8, wr8, wr16le, copy, view, type Bytes } from '../../../firmware/lib/prelude.ts';

export function packbitsEncode(src: Bytes, dst: Bytes): u32 {
  let i = u32(0);
  let o = u32(0);
  const n = src.length;
  while (i < n) {
    // Length of the run starting at i (at most 128).
    let run = u32(1);
    while (u32(i + run) < n && run < 128 && rd8(src, u32(i + run)) === rd8(src, i)) {
      run = u32(run + 1);
    }
    // Runs of two cost as much as literals: only runs of three or more are worth a run header
    // (this also bounds the output to n + n/128 + 1 bytes).
    if (run >= 3) {
      wr8(dst, o, u8(257 - run));
      wr8(dst, u32(o + 1), rd8(src, i));
      o = u32(o + 2);
      i = u32(i + run);
    } else {
      // Literals up to the next run of 3, or 128 bytes.
      let lit = u32(1);
      while (u32(i + lit) < n && lit < 128) {
        const at = u32(i + lit);
        if (u32(at + 2) < n && rd8(src, at) === rd8(src, u32(at + 1)) && rd8(src, at) === rd8(src, u32(at + 2))) break;
        lit = u32(lit + 1);
      }
      wr8(dst, o, u8(lit - 1));
      copy(dst, u32(o + 1), view(src, i, u32(i + lit)));
      o = u32(o + 1 + lit);
      i = u32(i + lit);
    }
  }
  return o;
}

/** Decode; returns the decoded length, or 0xffffffff on a truncated or oversized stream. */
export function packbitsDecode(src: Bytes, dst: Bytes): u32 {
  let i = u32(0);
  let o = u32(0);
  while (i < src.length) {
    const h = rd8(src, i);
    i = u32(i + 1);
    if (h < 128) {
      const len = u32(h + 1);
      if (u32(i + len) > src.length || u32(o + len) > dst.length) return u32(0xffffffff);
      copy(dst, o, view(src, i, u32(i + len)));
      i = u32(i + len);
      o = u32(o + len);
    } else if (h > 128) {
      const len = u32(257 - h);
      if (i >= src.length || u32(o + len) > dst.length) return u32(0xffffffff);
      const v = rd8(src, i);
      i = u32(i + 1);
      for (let k = u32(0); k < len; k++) {
        wr8(dst, u32(o + k), v);
      }
      o = u32(o + len);
    }
  }
  return o;
}

const packed = bytes(320);
const unpacked = bytes(512);

export function main(input: Bytes, output: Bytes): u32 {
  const plen = packbitsEncode(input, packed);
  const dlen = packbitsDecode(view(packed, 0, plen), unpacked);
  let ok = dlen === input.length;
  for (let i = u32(0); i < input.length; i++) {
    if (rd8(unpacked, i) !== input[i]) ok = false;
  }
  wr16le(output, 0, u16(plen));
  wr8(output, 2, ok ? u8(1) : u8(0));
  const raw = packbitsDecode(input, unpacked);
  wr16le(output, 3, u16(raw));
  copy(output, 8, view(packed, 0, plen < 120 ? plen : u32(120)));
  if (raw !== 0xffffffff) copy(output, 128, view(unpacked, 0, raw < 128 ? raw : u32(128)));
  return plen;
}
