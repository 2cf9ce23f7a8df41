// Adler-32 (zlib) with the NMAX trick: the modulo is deferred for up to 5552 bytes, as zlib does
// on small CPUs without a fast divider. A second, naive version reduces every byte; they must agree.
import { u16, u32, modu, divu, wr32be, wr16le, rd8, type Bytes } from '../../../firmware/lib/prelude.ts';

const BASE = 65521;
const NMAX = 5552;

export function adler32(adler: u32, data: Bytes): u32 {
  let a = u32(adler & 0xffff);
  let b = u32(adler >>> 16);
  let left = data.length;
  let pos = u32(0);
  while (left > 0) {
    let n = left < NMAX ? left : u32(NMAX);
    left = u32(left - n);
    while (n > 0) {
      a = u32(a + rd8(data, pos));
      b = u32(b + a);
      pos = u32(pos + 1);
      n = u32(n - 1);
    }
    a = modu(a, u32(BASE));
    b = modu(b, u32(BASE));
  }
  return u32((b << 16) | a);
}

function adler32Naive(data: Bytes): u32 {
  let a = u32(1);
  let b = u32(0);
  for (let i = u32(0); i < data.length; i++) {
    a = modu(u32(a + data[i]), u32(BASE));
    b = modu(u32(b + a), u32(BASE));
  }
  return u32((b << 16) | a);
}

export function main(input: Bytes, output: Bytes): u32 {
  const fast = adler32(u32(1), input);
  const slow = adler32Naive(input);
  wr32be(output, 0, fast);
  wr32be(output, 4, slow);
  // Average byte value (panics on empty input: division by zero is part of the contract).
  const sum = u32((fast & 0xffff) - 1);
  wr16le(output, 8, u16(divu(modu(sum, u32(BASE)), input.length)));
  return fast === slow ? u32(0) : u32(1);
}

