// Page allocator with microTVM's semantics (spec §5.1, page_allocator.c): memory is handed out in
// whole pages of 2^k bytes; a request takes the FIRST block on the free list (in the order the
// blocks were freed) that has enough pages, whole (no splitting, no coalescing); otherwise fresh
// pages are cut at the high-water mark, which never goes down.
//
// Unlike TVM it hands out byte offsets into the caller's pool (not pointers), and a double free
// or a foreign offset returns an error instead of corrupting the free list or aborting.
//
// Bookkeeping lives at the end of the pool, as in TVM: one 8-byte entry per page.
//
//   pool: [ page 0 | page 1 | ... | page n-1 | entry 0 | entry 1 | ... | entry n-1 ]
//   entry p (only meaningful when p starts a block):
//     +0 u32 pages  block length in pages; 0 = p never started a block
//     +4 u32 next   IN_USE for an allocated block, else the next free block (or END)

import { u8, u32, divu, fill, view, rd32le, wr32le, panic, type Bytes } from '../lib/prelude.ts';
import { Err } from '../lib/errors.ts';

/** allocate()'s result when no block fits. */
export const PAGE_ALLOC_FAILED = 0xffffffff;

const ENTRY_SIZE = 8;
/** End of the free list. */
const END = 0xffffffff;
/** `next` of an allocated block. */
const IN_USE = 0xfffffffe;

export class PageAllocator {
  private readonly pool: Bytes;
  private readonly log2: u8;
  private readonly mask: u32;
  private readonly pages: u32;
  /** Offset of entry 0. */
  private readonly meta: u32;
  /** Pages below this have been cut into blocks. */
  private highWater: u32 = u32(0);
  private freeHead: u32 = u32(END);
  private freeTail: u32 = u32(END);
  private used: u32 = u32(0);

  constructor(pool: Bytes, pageSizeLog2: u8) {
    if (pageSizeLog2 > 30) {
      panic(u32(Err.PlatformCheckFailure));
    }
    this.pool = pool;
    this.log2 = pageSizeLog2;
    this.mask = u32((1 << pageSizeLog2) - 1);
    this.pages = divu(pool.length, u32((1 << pageSizeLog2) + ENTRY_SIZE));
    this.meta = u32(this.pages << pageSizeLog2);
    this.reset();
  }

  /** Frees everything and zero-fills the pool, as PageMemoryManagerCreate does. */
  reset(): void {
    fill(this.pool, u8(0), u32(0), this.pool.length);
    this.highWater = u32(0);
    this.freeHead = u32(END);
    this.freeTail = u32(END);
    this.used = u32(0);
  }

  pageSize(): u32 {
    return u32(1 << this.log2);
  }

  /** Number of pages the pool holds after its bookkeeping. */
  pageCount(): u32 {
    return this.pages;
  }

  /** Pages held by live allocations (TVM's vleak_size, in pages). */
  usedPages(): u32 {
    return this.used;
  }

  /** Pages ever cut into blocks. */
  highWaterPages(): u32 {
    return this.highWater;
  }

  /** Offset of a block of at least `nbytes` (a 0-byte request still gets one page), or PAGE_ALLOC_FAILED. */
  allocate(nbytes: u32): u32 {
    let need: u32 = u32(nbytes >>> this.log2);
    if (u32(nbytes & this.mask) !== 0 || need === 0) {
      need = u32(need + 1);
    }
    // First fit, in the order blocks were freed.
    let prev: u32 = u32(END);
    let p: u32 = this.freeHead;
    while (p !== END) {
      const next: u32 = this.nextOf(p);
      const n: u32 = this.pagesOf(p);
      if (n >= need) {
        if (prev === END) {
          this.freeHead = next;
        } else {
          this.setNext(prev, next);
        }
        if (this.freeTail === p) {
          this.freeTail = prev;
        }
        this.setNext(p, u32(IN_USE));
        this.used = u32(this.used + n);
        return u32(p << this.log2);
      }
      prev = p;
      p = next;
    }
    // Nothing reusable: cut fresh pages.
    if (need > u32(this.pages - this.highWater)) {
      return u32(PAGE_ALLOC_FAILED);
    }
    p = this.highWater;
    this.highWater = u32(this.highWater + need);
    wr32le(this.pool, this.entry(p), need);
    this.setNext(p, u32(IN_USE));
    this.used = u32(this.used + need);
    return u32(p << this.log2);
  }

  /** Returns a block to the end of the free list. */
  free(offset: u32): Err {
    const p: u32 = this.blockAt(offset);
    if (p === END) {
      return Err.PlatformInvalidFree;
    }
    if (this.nextOf(p) !== IN_USE) {
      return Err.PlatformDoubleFree;
    }
    this.setNext(p, u32(END));
    if (this.freeTail === END) {
      this.freeHead = p;
    } else {
      this.setNext(this.freeTail, p);
    }
    this.freeTail = p;
    this.used = u32(this.used - this.pagesOf(p));
    return Err.Ok;
  }

  /** Size in bytes of the live block at `offset` (whole pages), or 0 if none lives there. */
  sizeOf(offset: u32): u32 {
    const p: u32 = this.blockAt(offset);
    if (p === END || this.nextOf(p) !== IN_USE) {
      return u32(0);
    }
    return u32(this.pagesOf(p) << this.log2);
  }

  /** The memory of the live block at `offset`, or an empty view if none lives there. */
  block(offset: u32): Bytes {
    const size: u32 = this.sizeOf(offset);
    if (size === 0) {
      return view(this.pool, u32(0), u32(0));
    }
    return view(this.pool, offset, u32(offset + size));
  }

  /** The page starting a block at exactly `offset`, or END. */
  private blockAt(offset: u32): u32 {
    if (u32(offset & this.mask) !== 0) {
      return u32(END);
    }
    const p: u32 = u32(offset >>> this.log2);
    if (p >= this.highWater || this.pagesOf(p) === 0) {
      return u32(END);
    }
    return p;
  }

  private entry(p: u32): u32 {
    return u32(this.meta + u32(p << 3));
  }

  private pagesOf(p: u32): u32 {
    return rd32le(this.pool, this.entry(p));
  }

  private nextOf(p: u32): u32 {
    return rd32le(this.pool, u32(this.entry(p) + 4));
  }

  private setNext(p: u32, next: u32): void {
    wr32le(this.pool, u32(this.entry(p) + 4), next);
  }
}
