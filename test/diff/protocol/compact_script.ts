// Command-script difftest driver for the compact codec (firmware/rpc/compact.ts). Commands decode
// random compact packets (mostly well formed: a form byte, a varint handle, int and null
// arguments with values of every width; sometimes raw bytes), encode random MinRPC CallFunc and
// Return packets (sometimes damaged), and round-trip an encoded packet through decode. The
// transcript holds every output byte, error and length. Node and C must match exactly.
// @difftest cases=1500 seed=1 outSize=512

import { u8, u32, bytes, view, modu, wr8, wr32le, type Bytes, type bool } from '../../../firmware/lib/prelude.ts';
import { CompactCodec, COMPACT_PACKET_BYTES } from '../../../firmware/rpc/compact.ts';
import { Transcript, Script } from './script_lib.ts';

const t = new Transcript();
const s = new Script();
const codec = new CompactCodec();
const compact: Bytes = bytes(160);
const minrpc: Bytes = bytes(400);
const decoded: Bytes = bytes(COMPACT_PACKET_BYTES);
const encoded: Bytes = bytes(COMPACT_PACKET_BYTES);

/** A varint of 1..11 bytes from the script (continuation bits as drawn, the last one cleared
 * unless the script asks for a cut-off one). */
function putVarint(at: u32): u32 {
  const n: u32 = u32((modu(u32(s.next()), u32(11))) + 1);
  let p: u32 = at;
  for (let i = u32(0); i < n; i++) {
    if (p >= compact.length) {
      break;
    }
    let b: u8 = s.next();
    if (u32(i + 1) < n) {
      b = u8(b | 0x80);
    } else if (u8(s.next() & 7) !== 0) {
      b = u8(b & 0x7f);
    }
    wr8(compact, p, b);
    p = u32(p + 1);
  }
  return p;
}

/** A compact packet from the script; returns its length. */
function makeCompact(): u32 {
  const kind: u8 = u8(s.next() & 7);
  if (kind === 7) {
    // Raw bytes.
    const n: u32 = u32(modu(u32(s.next()), u32(40)));
    for (let i = u32(0); i < n; i++) {
      wr8(compact, i, s.next());
    }
    return n;
  }
  let p: u32 = u32(1);
  if (kind < 3) {
    wr8(compact, u32(0), u8(3));
    p = putVarint(p);
  } else if (kind < 6) {
    wr8(compact, u32(0), u8(4));
  } else {
    wr8(compact, u32(0), u8(s.next() & 7));
  }
  const args: u32 = u32(modu(u32(s.next()), u32(11)));
  for (let i = u32(0); i < args; i++) {
    if (p >= u32(compact.length - 12)) {
      break;
    }
    const c: u8 = s.next();
    let tc: u8 = u8(c & 4);
    if (u8(c & 0xf0) === 0xf0) {
      tc = u8(c & 0x0f);
    } else if (u8(c & 0x30) === 0x10) {
      tc = u8(11 + (c & 1));
    }
    wr8(compact, p, tc);
    p = u32(p + 1);
    if (tc === 11 || tc === 12) {
      // A length (sometimes past the end), then that many bytes as far as they fit.
      const n: u32 = u32(s.next() & 0x1f);
      wr8(compact, p, u8(n));
      p = u32(p + 1);
      for (let k = u32(0); k < 31; k++) {
        if (k >= n || p >= u32(compact.length - 12)) {
          break;
        }
        wr8(compact, p, s.next());
        p = u32(p + 1);
      }
    } else if (tc !== 4) {
      p = putVarint(p);
    }
  }
  return p;
}

/** A MinRPC CallFunc or Return packet of int and null arguments (sometimes another type code, a
 * wrong length or trailing bytes); returns its length. */
function makeMinRpc(): u32 {
  const call: bool = u8(s.next() & 1) === 0;
  let p: u32 = u32(12);
  if (call) {
    wr32le(minrpc, p, s.next32());
    wr32le(minrpc, u32(p + 4), s.next32());
    p = u32(p + 8);
  }
  const n: u32 = u32(modu(u32(s.next()), u32(10)));
  wr32le(minrpc, p, n);
  const codesAt: u32 = u32(p + 4);
  p = u32(codesAt + n * 4);
  for (let i = u32(0); i < n; i++) {
    const c: u8 = s.next();
    let tc: u32 = u32(c & 4);
    if (c === 0xff) {
      tc = u32(s.next() & 15);
    } else if (u8(c & 0x30) === 0x10) {
      tc = u32(11 + (c & 1));
    }
    wr32le(minrpc, u32(codesAt + i * 4), tc);
    if (tc === 0) {
      // Values of every width: small, large, negative.
      const w: u8 = s.next();
      let lo: u32 = u32(w & 0x3f);
      let hi: u32 = u32(0);
      if (u8(w & 0x40) !== 0) {
        lo = s.next32();
        hi = s.next32();
      }
      if (u8(w & 0x80) !== 0) {
        lo = u32(~lo);
        hi = u32(~hi);
      }
      wr32le(minrpc, p, lo);
      wr32le(minrpc, u32(p + 4), hi);
      p = u32(p + 8);
    } else if (tc === 11 || tc === 12) {
      const len: u32 = u32(s.next() & 0x0f);
      wr32le(minrpc, p, len);
      wr32le(minrpc, u32(p + 4), u32(0));
      p = u32(p + 8);
      for (let k = u32(0); k < 15; k++) {
        if (k >= len) {
          break;
        }
        wr8(minrpc, p, s.next());
        p = u32(p + 1);
      }
    } else if (tc !== 4) {
      p = u32(p + 8);
    }
  }
  const damage: u8 = s.next();
  if (damage === 0xfe) {
    p = u32(p + 1); // a trailing byte
  }
  wr32le(minrpc, u32(0), u32(p - 8));
  wr32le(minrpc, u32(4), u32(0));
  wr32le(minrpc, u32(8), call ? u32(3) : u32(4));
  if (damage === 0xfd) {
    wr32le(minrpc, u32(0), u32(p - 9)); // a length that does not match
  }
  return p;
}

/** Successful decodes and encodes over the run (a script generator that never reaches the
 * success paths would test nothing; test/diff checks the share). */
let decodedOk: u32 = u32(0);
let encodedOk: u32 = u32(0);

export function successes(): u32 {
  return u32((decodedOk << 16) | (encodedOk & 0xffff));
}

function decodeAndRecord(c: Bytes): void {
  const out: Bytes = codec.decode(c, decoded);
  if (codec.error === 0) {
    decodedOk = u32(decodedOk + 1);
  }
  t.put(u8(codec.error));
  t.putBytes(out);
}

function run(op: u8): void {
  if (op === 0) {
    decodeAndRecord(view(compact, u32(0), makeCompact()));
  } else if (op === 1) {
    const n: u32 = codec.encode(view(minrpc, u32(0), makeMinRpc()), encoded);
    if (n > 0) {
      encodedOk = u32(encodedOk + 1);
    }
    t.putBytes(view(encoded, u32(0), n));
  } else {
    // Round trip: encode, then decode what was encoded.
    const m: u32 = makeMinRpc();
    const n: u32 = codec.encode(view(minrpc, u32(0), m), encoded);
    t.put32(n);
    if (n > 0) {
      decodeAndRecord(view(encoded, u32(0), n));
    }
  }
}

export function main(input: Bytes, output: Bytes): u32 {
  t.begin();
  s.load(input);
  while (s.more()) {
    const op: u8 = u8(modu(u32(s.next()), u32(3)));
    t.command(op);
    run(op);
    t.put32(codec.errors);
  }
  return t.finish(output);
}
