// Command-script difftest driver for the PageAllocator (firmware/memory/page_allocator.ts). Four
// allocators of different geometry (page sizes 1, 8, 32 and 256 bytes; pools with and without
// slack, one too small for any page). Commands: allocate (small, page-sized, huge sizes), free a
// live block, free it again, free a foreign or misaligned offset, sizeOf, write a block's
// memory and read it back, reset, switch allocator. The transcript holds every offset, error,
// size, the block contents read back, and the used and high-water page counts.
// @difftest cases=1500 seed=1 outSize=512

import { u8, u16, u32, mul32, bytes, fill, rd8, rd32le, wr32le, type Bytes } from '../../../firmware/lib/prelude.ts';
import { Err } from '../../../firmware/lib/errors.ts';
import { PageAllocator, PAGE_ALLOC_FAILED } from '../../../firmware/memory/page_allocator.ts';
import { Transcript, Script } from './script_lib.ts';

const t = new Transcript();
const s = new Script();

const pool0: Bytes = bytes(2048);
const pool1: Bytes = bytes(1000);
const pool2: Bytes = bytes(4100);
const pool3: Bytes = bytes(23);
const alloc0 = new PageAllocator(pool0, u8(5));
const alloc1 = new PageAllocator(pool1, u8(3));
const alloc2 = new PageAllocator(pool2, u8(8));
const alloc3 = new PageAllocator(pool3, u8(0));

/** Offsets handed out and not yet freed (by the script's account), per allocator slot. */
const live: Bytes = bytes(256);
let nLive: u32 = u32(0);
let cur: u8 = u8(0);

function pick(): PageAllocator {
  if (cur === 1) {
    return alloc1;
  }
  if (cur === 2) {
    return alloc2;
  }
  if (cur === 3) {
    return alloc3;
  }
  return alloc0;
}

function requestSize(): u32 {
  const k: u8 = s.next();
  if (k < 0x80) {
    return u32(k);
  }
  if (k < 0xc0) {
    return u32(s.next16() & 0x7ff);
  }
  if (k < 0xf0) {
    // A multiple of the page size, or one byte either side.
    const p: u32 = pick().pageSize();
    const m: u32 = mul32(p, u32(k & 7));
    const plus: u8 = u8(s.next() & 1);
    const minus: u8 = u8(s.next() & 1);
    return u32(m + plus - minus);
  }
  return s.next32();
}

/** A live offset chosen by the script (removed from the list when `take`), or 0 when none. */
function liveOffset(take: boolean): u32 {
  if (nLive === 0) {
    return u32(0);
  }
  let k: u32 = u32(s.next());
  while (k >= nLive) {
    k = u32(k - nLive);
  }
  const off: u32 = rd32le(live, u32(k << 2));
  if (take) {
    nLive = u32(nLive - 1);
    wr32le(live, u32(k << 2), rd32le(live, u32(nLive << 2)));
  }
  return off;
}

function run(op: u8, al: PageAllocator): void {
  if (op === 0 || op === 1) {
    const off: u32 = al.allocate(requestSize());
    t.put32(off);
    if (off !== PAGE_ALLOC_FAILED) {
      t.put32(al.sizeOf(off));
      if (nLive < 64) {
        wr32le(live, u32(nLive << 2), off);
        nLive = u32(nLive + 1);
      }
    }
  } else if (op === 2) {
    t.put16(u16(al.free(liveOffset(true))));
  } else if (op === 3) {
    // Free something that may be free already, foreign, misaligned or past the pool.
    let off: u32 = liveOffset(false);
    const how: u8 = u8(s.next() & 3);
    if (how === 1) {
      off = u32(off + 1);
    } else if (how === 2) {
      off = u32(s.next16());
    } else if (how === 3) {
      off = s.next32();
    }
    const e: Err = al.free(off);
    t.put16(u16(e));
    if (how === 0 && e === Err.Ok) {
      // It was live after all (freed twice later): drop it from the list.
      let k: u32 = u32(0);
      while (k < nLive && rd32le(live, u32(k << 2)) !== off) {
        k = u32(k + 1);
      }
      if (k < nLive) {
        nLive = u32(nLive - 1);
        wr32le(live, u32(k << 2), rd32le(live, u32(nLive << 2)));
      }
    }
  } else if (op === 4) {
    t.put32(al.sizeOf(u32(s.next16())));
  } else if (op === 5) {
    // Write a live block with a tag, then read the first and last bytes of every live block.
    const off: u32 = liveOffset(false);
    const blk: Bytes = al.block(off);
    fill(blk, s.next(), u32(0), blk.length);
    for (let k = u32(0); k < nLive; k++) {
      const b: Bytes = al.block(rd32le(live, u32(k << 2)));
      t.put32(b.length);
      if (b.length !== 0) {
        t.put(rd8(b, u32(0)));
        t.put(rd8(b, u32(b.length - 1)));
      }
    }
  } else if (op === 6) {
    al.reset();
    nLive = u32(0);
  } else {
    // Switch allocator; the live list belongs to the old one, so it is forgotten.
    cur = u8(s.next() & 3);
    nLive = u32(0);
  }
}

export function main(input: Bytes, output: Bytes): u32 {
  t.begin();
  s.load(input);
  alloc0.reset();
  alloc1.reset();
  alloc2.reset();
  alloc3.reset();
  nLive = u32(0);
  cur = u8(0);
  t.put32(alloc0.pageCount());
  t.put32(alloc1.pageCount());
  t.put32(alloc2.pageCount());
  t.put32(alloc3.pageCount());
  while (s.more()) {
    const op: u8 = u8(s.next() & 7);
    t.command(op);
    const al: PageAllocator = pick();
    run(op, al);
    t.put32(al.usedPages());
    t.put32(al.highWaterPages());
  }
  return t.finish(output);
}
