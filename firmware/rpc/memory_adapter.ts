// The RPC server's Memory port over the page allocator (memory/page_allocator.ts): tensors are
// allocated in whole pages of the device's pool, and the host sees each allocation as a handle.
//
// Handle = pool offset + MEM_HANDLE_BASE. The base keeps handles non-zero and makes the first
// allocation after a reset 0x1000, the data pointer of the spec's §7.3 copy vectors. Handles are
// never addresses: the server only reaches memory through data(h), which is the exact byte range
// that was asked for (the page allocator rounds up to whole pages; the rest is not exposed).
//
// The requested sizes live in a caller-supplied table of one u32 per page (indexed by the page
// that starts the block), so the pool and the table are both static buffers of the board.

import { u32, mul32, divu, rd32le, wr32le, view, panic, type Bytes, type bool } from '../lib/prelude.ts';
import { Err } from '../lib/errors.ts';
import type { Memory } from './ports.ts';
import { PageAllocator, PAGE_ALLOC_FAILED } from '../memory/page_allocator.ts';

/** Handle of the allocation at pool offset 0. */
export const MEM_HANDLE_BASE = 0x1000;

export class PageMemory implements Memory {
  private readonly pages: PageAllocator;
  /** u32 per page: the byte count asked for by the block starting at that page. */
  private readonly sizes: Bytes;

  constructor(pages: PageAllocator, sizes: Bytes) {
    if (sizes.length < mul32(pages.pageCount(), u32(4))) {
      panic(u32(Err.PlatformCheckFailure));
    }
    this.pages = pages;
    this.sizes = sizes;
  }

  alloc(nbytes: u32): u32 {
    const off: u32 = this.pages.allocate(nbytes);
    if (off === PAGE_ALLOC_FAILED) {
      return u32(0);
    }
    wr32le(this.sizes, this.sizeAt(off), nbytes);
    return u32(off + MEM_HANDLE_BASE);
  }

  free(h: u32): bool {
    if (h < MEM_HANDLE_BASE) {
      return false;
    }
    return this.pages.free(u32(h - MEM_HANDLE_BASE)) === Err.Ok;
  }

  live(h: u32): bool {
    return h >= MEM_HANDLE_BASE && this.pages.sizeOf(u32(h - MEM_HANDLE_BASE)) !== 0;
  }

  data(h: u32): Bytes {
    if (!this.live(h)) {
      return view(this.sizes, u32(0), u32(0));
    }
    const off: u32 = u32(h - MEM_HANDLE_BASE);
    return view(this.pages.block(off), u32(0), rd32le(this.sizes, this.sizeAt(off)));
  }

  reset(): void {
    this.pages.reset();
  }

  capacity(): u32 {
    return mul32(this.pages.pageCount(), this.pages.pageSize());
  }

  available(): u32 {
    return mul32(u32(this.pages.pageCount() - this.pages.usedPages()), this.pages.pageSize());
  }

  /** Offset in `sizes` of the entry of the block at pool offset `off`. */
  private sizeAt(off: u32): u32 {
    return u32(divu(off, this.pages.pageSize()) << 2);
  }
}
