import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { asBytes, FwPanic, u8, u32 } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import { PAGE_ALLOC_FAILED, PageAllocator } from '../../firmware/memory/page_allocator.ts';

/** Reference model of TVM's page allocator semantics (spec §5.1), written from the spec. */
class Model {
  hwm = 0;
  freeList: number[] = []; // block start pages, in the order they were freed
  blocks = new Map<number, number>(); // every block ever cut: start page -> pages
  live = new Set<number>();
  readonly ps: number;
  readonly pages: number;
  constructor(ps: number, pages: number) {
    this.ps = ps;
    this.pages = pages;
  }
  alloc(n: number): number {
    const need = Math.max(1, Math.ceil(n / this.ps));
    const i = this.freeList.findIndex((p) => this.blocks.get(p)! >= need);
    if (i >= 0) {
      const [p] = this.freeList.splice(i, 1);
      this.live.add(p);
      return p * this.ps;
    }
    if (need > this.pages - this.hwm) return PAGE_ALLOC_FAILED;
    const p = this.hwm;
    this.hwm += need;
    this.blocks.set(p, need);
    this.live.add(p);
    return p * this.ps;
  }
  /** What free(off) should return, without doing it. */
  classify(off: number): Err {
    const p = off / this.ps;
    if (!Number.isInteger(p) || !this.blocks.has(p)) return Err.PlatformInvalidFree;
    if (!this.live.has(p)) return Err.PlatformDoubleFree;
    return Err.Ok;
  }
  free(off: number): Err {
    const e = this.classify(off);
    if (e !== Err.Ok) return e;
    const p = off / this.ps;
    this.live.delete(p);
    this.freeList.push(p);
    return Err.Ok;
  }
  usedPages(): number {
    let n = 0;
    for (const p of this.live) n += this.blocks.get(p)!;
    return n;
  }
}

type Op =
  | { k: 'alloc'; n: number }
  | { k: 'free'; pick: number }
  | { k: 'doubleFree'; pick: number }
  | { k: 'foreign'; off: number }
  | { k: 'freeAll' };

const opArb = (ps: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.oneof(fc.integer({ min: 0, max: 3 * ps }), fc.integer({ min: 0, max: 12 * ps })).map((n) => ({ k: 'alloc' as const, n })) },
    { weight: 4, arbitrary: fc.nat().map((pick) => ({ k: 'free' as const, pick })) },
    { weight: 1, arbitrary: fc.nat().map((pick) => ({ k: 'doubleFree' as const, pick })) },
    { weight: 1, arbitrary: fc.nat({ max: 1 << 20 }).map((off) => ({ k: 'foreign' as const, off })) },
    { weight: 1, arbitrary: fc.constant({ k: 'freeAll' as const }) },
  );

describe('memory: PageAllocator (spec §5.1)', () => {
  it('hands out page-aligned offsets and fails with PAGE_ALLOC_FAILED when full', () => {
    const pool = new Uint8Array(4096);
    const a = new PageAllocator(asBytes(pool), u8(6)); // 64-byte pages
    const pages = a.pageCount();
    assert.equal(pages, Math.floor(4096 / (64 + 8)));
    const offs: number[] = [];
    for (let i = 0; i < pages; i++) offs.push(a.allocate(u32(1)));
    assert.deepEqual(offs, offs.map((_, i) => i * 64));
    assert.equal(a.allocate(u32(1)), PAGE_ALLOC_FAILED);
    assert.equal(a.usedPages(), pages);
    assert.equal(a.free(u32(128)), Err.Ok);
    assert.equal(a.allocate(u32(64)), 128);
    assert.equal(a.allocate(u32(65)), PAGE_ALLOC_FAILED);
  });

  it('TVM reuse order: 1-byte blocks freed in reverse come back in reverse (first freed, first reused)', () => {
    const a = new PageAllocator(asBytes(new Uint8Array(32 * 1024)), u8(8));
    const n = a.pageCount();
    assert.ok(n > 90, `${n} pages`);
    for (let i = 0; i < n; i++) assert.equal(a.allocate(u32(1)), i * 256);
    for (let i = n - 1; i >= 0; i--) assert.equal(a.free(u32(i * 256)), Err.Ok);
    assert.equal(a.usedPages(), 0);
    for (let i = n - 1; i >= 0; i--) assert.equal(a.allocate(u32(1)), i * 256);
    assert.equal(a.usedPages(), n);
  });

  it('first fit in free order, whole blocks: no splitting and no coalescing', () => {
    const a = new PageAllocator(asBytes(new Uint8Array(2048)), u8(4)); // 16-byte pages
    const big = a.allocate(u32(48)); // 3 pages
    const small = a.allocate(u32(16)); // 1 page
    assert.equal(a.free(small), Err.Ok);
    assert.equal(a.free(big), Err.Ok);
    // 10 bytes fit in the small block freed first.
    assert.equal(a.allocate(u32(10)), small);
    // 1 byte now takes the whole 3-page block: it is not split.
    assert.equal(a.allocate(u32(1)), big);
    assert.equal(a.sizeOf(big), 48);
    assert.equal(a.usedPages(), 4);
    assert.equal(a.highWaterPages(), 4);
  });

  it('taking the last free-list block keeps the blocks before it listed', () => {
    const a = new PageAllocator(asBytes(new Uint8Array(2048)), u8(4));
    const small = a.allocate(u32(16)); // 1 page
    const big = a.allocate(u32(48)); // 3 pages
    const other = a.allocate(u32(16)); // 1 page
    a.free(small);
    a.free(big); // free list: small, big
    assert.equal(a.allocate(u32(32)), big); // skips small, takes the tail
    a.free(other); // free list: small, other
    assert.equal(a.allocate(u32(1)), small);
    assert.equal(a.allocate(u32(1)), other);
    assert.equal(a.highWaterPages(), 5);
  });

  it('a 0-byte request still gets its own page', () => {
    const a = new PageAllocator(asBytes(new Uint8Array(1024)), u8(5));
    const x = a.allocate(u32(0));
    const y = a.allocate(u32(0));
    assert.notEqual(x, y);
    assert.equal(a.sizeOf(x), 32);
  });

  it('double free and foreign offsets return errors and change nothing', () => {
    const a = new PageAllocator(asBytes(new Uint8Array(1024)), u8(5));
    const x = a.allocate(u32(40)); // 2 pages at 0
    const y = a.allocate(u32(1)); // at 64
    assert.equal(a.free(u32(x + 32)), Err.PlatformInvalidFree); // inside a block
    assert.equal(a.free(u32(x + 1)), Err.PlatformInvalidFree); // misaligned
    assert.equal(a.free(u32(96)), Err.PlatformInvalidFree); // above the high-water mark
    assert.equal(a.free(u32(0xffffffe0)), Err.PlatformInvalidFree);
    assert.equal(a.free(x), Err.Ok);
    assert.equal(a.free(x), Err.PlatformDoubleFree);
    assert.equal(a.usedPages(), 1);
    // The free list holds x once: one reuse, then fresh pages.
    assert.equal(a.allocate(u32(1)), x);
    assert.equal(a.allocate(u32(1)), 96);
    assert.equal(a.free(y), Err.Ok);
  });

  it('block() views exactly the live block; sizeOf is 0 elsewhere', () => {
    const pool = new Uint8Array(1024);
    const a = new PageAllocator(asBytes(pool), u8(5));
    const x = a.allocate(u32(33));
    const v = a.block(x);
    assert.equal(v.length, 64);
    (v as unknown as Uint8Array).fill(0xab);
    assert.ok(pool.subarray(0, 64).every((q) => q === 0xab));
    assert.equal(pool[64], 0);
    assert.equal(a.block(u32(32)).length, 0);
    a.free(x);
    assert.equal(a.sizeOf(x), 0);
  });

  it('zero-fills the pool, like PageMemoryManagerCreate; reset() frees everything', () => {
    const pool = new Uint8Array(512).fill(0x55);
    const a = new PageAllocator(asBytes(pool), u8(4));
    assert.ok(pool.every((q) => q === 0));
    a.allocate(u32(100));
    a.reset();
    assert.equal(a.usedPages(), 0);
    assert.equal(a.allocate(u32(1)), 0);
  });

  it('a pool smaller than one page holds no pages; page sizes above 2^30 panic', () => {
    const a = new PageAllocator(asBytes(new Uint8Array(10)), u8(4));
    assert.equal(a.pageCount(), 0);
    assert.equal(a.allocate(u32(1)), PAGE_ALLOC_FAILED);
    assert.throws(() => new PageAllocator(asBytes(new Uint8Array(10)), u8(31)), FwPanic);
  });

  it('model-based: random alloc/free/double-free/foreign/free-all sequences match the reference', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 3, max: 8 })
          .chain((log2) =>
            fc.tuple(
              fc.constant(log2),
              fc.integer({ min: 0, max: 6000 }),
              fc.integer({ min: 0, max: 63 }),
              fc.array(opArb(1 << log2), { maxLength: 200, size: 'max' }),
            ),
          ),
        ([log2, size, skew, ops]) => {
          const ps = 1 << log2;
          // The caller's pool may be a view at any offset of a bigger buffer.
          const backing = new Uint8Array(size + skew);
          const pool = backing.subarray(skew);
          const a = new PageAllocator(asBytes(pool), u8(log2));
          const pages = a.pageCount();
          // Bookkeeping costs at most 16 bytes per page and the pages fit the pool.
          assert.ok(pages * ps <= size && pages >= Math.floor(size / (ps + 16)));
          const m = new Model(ps, pages);
          const tags = new Map<number, number>(); // offset -> fill byte
          let tag = 1;
          const check = () => {
            assert.equal(a.usedPages(), m.usedPages());
            const spans = [...m.live].map((p) => [p * ps, (p + m.blocks.get(p)!) * ps]).sort((x, y) => x[0] - y[0]);
            for (let i = 1; i < spans.length; i++) assert.ok(spans[i - 1][1] <= spans[i][0], 'overlap');
            for (const [off, t] of tags) {
              const blk = pool.subarray(off, off + a.sizeOf(u32(off)));
              assert.ok(blk.length > 0 && blk.every((q) => q === t), `block at ${off} was overwritten`);
            }
          };
          for (const op of ops) {
            const liveOffs = [...tags.keys()];
            if (op.k === 'alloc') {
              const got = a.allocate(u32(op.n));
              const want = m.alloc(op.n);
              assert.equal(got, want, `allocate(${op.n})`);
              if (got !== PAGE_ALLOC_FAILED) {
                assert.equal(got % ps, 0, 'alignment');
                assert.ok(got + a.sizeOf(u32(got)) <= pages * ps, 'beyond the data pages');
                assert.ok(a.sizeOf(u32(got)) >= Math.max(op.n, 1), 'block too small');
                const t = (tag++ % 254) + 1;
                pool.fill(t, got, got + a.sizeOf(u32(got)));
                tags.set(got, t);
              }
            } else if (op.k === 'free' && liveOffs.length > 0) {
              const off = liveOffs[op.pick % liveOffs.length];
              assert.equal(a.free(u32(off)), Err.Ok);
              assert.equal(m.free(off), Err.Ok);
              tags.delete(off);
            } else if (op.k === 'doubleFree') {
              const freed = [...m.blocks.keys()].filter((p) => !m.live.has(p));
              if (freed.length > 0) {
                const off = freed[op.pick % freed.length] * ps;
                assert.equal(a.free(u32(off)), Err.PlatformDoubleFree);
                assert.equal(m.free(off), Err.PlatformDoubleFree);
              }
            } else if (op.k === 'foreign') {
              // Any offset that is not a live block start is refused, with the model's reason.
              const want = m.classify(op.off);
              if (want !== Err.Ok) assert.equal(a.free(u32(op.off)), want, `free(${op.off})`);
            } else if (op.k === 'freeAll') {
              for (const off of liveOffs) {
                assert.equal(a.free(u32(off)), Err.Ok);
                m.free(off);
                tags.delete(off);
              }
              assert.equal(a.usedPages(), 0, 'all free after free-all');
            }
            check();
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
