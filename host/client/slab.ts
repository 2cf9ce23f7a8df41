// Small byte buffers carved out of shared 64 KiB blocks, as Node's Buffer pool does: in V8 every
// new Uint8Array over 64 bytes gets a backing store of its own (allocated, zero-filled, tracked
// by the GC), about 1.5 us for 2 KiB, as much as framing the bytes. The host codec allocates
// one buffer per packet each way (bench/codec.ts). A block is never reused: it is freed when the
// last view into it is gone (so one kept view keeps 64 KiB alive). Views have a byteOffset:
// read them through (buffer, byteOffset, length). Browser-safe.

const BLOCK = 64 * 1024;
/** Larger buffers get their own backing store (they would waste a block's tail). */
const SMALL = 8 * 1024;

let block = new ArrayBuffer(0);
let used = 0;

/** A zero-filled buffer of n bytes (a view into a shared block when small). */
export function allocBytes(n: number): Uint8Array {
  if (n > SMALL) return new Uint8Array(n);
  if (used + n > block.byteLength) {
    block = new ArrayBuffer(BLOCK);
    used = 0;
  }
  const v = new Uint8Array(block, used, n);
  // 8-byte steps keep every view aligned for typed-array views of it.
  used += (n + 7) & ~7;
  return v;
}

/** A copy of src[begin, end) in a buffer of its own (see allocBytes). */
export function copyBytes(src: Uint8Array, begin = 0, end = src.length): Uint8Array {
  const v = allocBytes(end - begin);
  v.set(begin === 0 && end === src.length ? src : src.subarray(begin, end));
  return v;
}
