// An open-addressing hash table (linear probing, tombstones) mapping u16 keys to u32 values,
// 32 slots in parallel arrays of bytes, hashed with FNV-1a over the key bytes. State persists
// across cases. Each input is a list of 4-byte commands: [op][key lo][key hi][value byte].
import { u8, u16, u32, bytes, mul32, rd8, rd16le, rd32le, wr8, wr16le, wr32le, type Bytes } from '../../../firmware/lib/prelude.ts';

const SLOTS = 32;
const EMPTY = 0;
const USED = 1;
const DELETED = 2;

const keys = bytes(SLOTS * 2);
const vals = bytes(SLOTS * 4);
const state = bytes(SLOTS);
let live = u32(0);

function fnv1a(key: u16): u32 {
  let h = u32(0x811c9dc5);
  h = mul32(u32(h ^ (key & 0xff)), u32(0x01000193));
  h = mul32(u32(h ^ (key >>> 8)), u32(0x01000193));
  return h;
}

/** Slot of key, or SLOTS if absent. */
function find(key: u16): u32 {
  let s = u32(fnv1a(key) & (SLOTS - 1));
  for (let n = u32(0); n < SLOTS; n++) {
    const st = rd8(state, s);
    if (st === EMPTY) return u32(SLOTS);
    if (st === USED && rd16le(keys, u32(s * 2)) === key) return s;
    s = u32((s + 1) & (SLOTS - 1));
  }
  return u32(SLOTS);
}

export function put(key: u16, value: u32): boolean {
  const at = find(key);
  if (at < SLOTS) {
    wr32le(vals, u32(at * 4), value);
    return true;
  }
  let s = u32(fnv1a(key) & (SLOTS - 1));
  for (let n = u32(0); n < SLOTS; n++) {
    if (rd8(state, s) !== USED) {
      wr8(state, s, u8(USED));
      wr16le(keys, u32(s * 2), key);
      wr32le(vals, u32(s * 4), value);
      live = u32(live + 1);
      return true;
    }
    s = u32((s + 1) & (SLOTS - 1));
  }
  return false;
}

export function remove(key: u16): boolean {
  const at = find(key);
  if (at >= SLOTS) return false;
  wr8(state, at, u8(DELETED));
  live = u32(live - 1);
  return true;
}

export function main(input: Bytes, output: Bytes): u32 {
  let o = u32(4);
  let misses = u16(0);
  for (let i = u32(0); u32(i + 4) <= input.length; i = u32(i + 4)) {
    const op = u8(rd8(input, i) & 3);
    const key = rd16le(input, u32(i + 1));
    const v = rd8(input, u32(i + 3));
    if (op === 0) {
      if (!put(key, u32(mul32(u32(v), u32(0x01010101)) ^ key))) misses = u16(misses + 1);
    } else if (op === 1) {
      const at = find(key);
      const got = at < SLOTS ? rd32le(vals, u32(at * 4)) : u32(0xdeadbeef);
      if (u32(o + 4) <= output.length) {
        wr32le(output, o, got);
        o = u32(o + 4);
      }
    } else if (op === 2) {
      if (!remove(key)) misses = u16(misses + 1);
    } else {
      // Compact: clear tombstones by re-inserting the live entries is out of scope; count them.
      let tomb = u8(0);
      for (let s = u32(0); s < state.length; s++) {
        if (state[s] === DELETED) tomb = u8(tomb + 1);
      }
      wr8(output, 3, tomb);
    }
  }
  wr8(output, 0, u8(live));
  wr16le(output, 1, misses);
  return live;
}
