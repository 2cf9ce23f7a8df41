// A packet decoder with short and long headers (as in MQTT-SN or many radio links): byte 0 is the
// header; if it is 0x01 the length follows in the next two bytes (big-endian), otherwise the
// header itself is the length. Payloads are checked with a 16-bit sum; retransmitted packets are
// served from a cached copy of the last good one, so the payload source is either the input or
// the cache buffer.
import { u8, u16, u32, bytes, rd8, rd16be, wr8, wr16le, copy, view, type Bytes } from '../../../firmware/lib/prelude.ts';

class Cache {
  buf = bytes(64);
  len = u32(0);
  hits = u16(0);
}

const cache = new Cache();
let good = u16(0);
let bad = u16(0);

function sum16(b: Bytes): u16 {
  let s = u16(0);
  for (let i = u32(0); i < b.length; i++) s = u16(s + b[i]);
  return s;
}

export function main(input: Bytes, output: Bytes): u32 {
  if (input.length < 1) return u32(0);
  const hdr = rd8(input, 0);
  const long = hdr === 0x01;
  if (long && input.length < 3) return u32(1);
  // The length field is one byte (short header) or two (long header).
  const len = u32(!long ? hdr : rd16be(input, 1));
  const start = u32(long ? 3 : 1);
  // A header of 0xff means "retransmit": the payload comes from the cache.
  const retransmit = hdr === 0xff && cache.len > 0;
  const src = retransmit ? cache.buf : input;
  const avail = retransmit ? cache.len : u32(input.length - start);
  const n = len < avail ? len : avail;
  const payload = retransmit ? view(src, 0, n) : view(src, start, u32(start + n));
  const s = sum16(payload);
  if (retransmit) cache.hits = u16(cache.hits + 1);
  if (len === n && !retransmit) {
    good = u16(good + 1);
    if (n <= cache.buf.length) {
      copy(cache.buf, 0, payload);
      cache.len = n;
    }
  } else if (!retransmit) {
    bad = u16(bad + 1);
  }
  wr16le(output, 0, u16(len));
  wr16le(output, 2, s);
  wr16le(output, 4, good);
  wr16le(output, 6, bad);
  wr16le(output, 8, cache.hits);
  wr8(output, 10, u8(n));
  return u32(len + start);
}
