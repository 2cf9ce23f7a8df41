// In-place heapsort of 16-bit records (no recursion, O(1) extra RAM: what fits a small MCU),
// plus a binary search over the sorted result and a de-duplication pass. Records are big-endian
// u16 values from the input, copied into a work buffer of up to 128 entries.
import { u8, u16, u32, bytes, rd16be, wr16be, wr8, wr16le, copy, view, type Bytes } from '../../../firmware/lib/prelude.ts';

const MAX = 128;
const work = bytes(MAX * 2);

function get(i: u32): u16 {
  return rd16be(work, u32(i * 2));
}
function set(i: u32, v: u16): void {
  wr16be(work, u32(i * 2), v);
}

function siftDown(start: u32, end: u32): void {
  let root = start;
  while (u32(root * 2 + 1) < end) {
    let child = u32(root * 2 + 1);
    if (u32(child + 1) < end && get(child) < get(u32(child + 1))) child = u32(child + 1);
    if (get(root) >= get(child)) return;
    const t = get(root);
    set(root, get(child));
    set(child, t);
    root = child;
  }
}

export function heapsort(n: u32): void {
  if (n < 2) return;
  let start = u32((n - 2) >>> 1);
  for (;;) {
    siftDown(start, n);
    if (start === 0) break;
    start = u32(start - 1);
  }
  let end = u32(n - 1);
  while (end > 0) {
    const t = get(u32(0));
    set(u32(0), get(end));
    set(end, t);
    siftDown(u32(0), end);
    end = u32(end - 1);
  }
}

/** Index of the first element >= key in work[0, n). */
export function lowerBound(n: u32, key: u16): u32 {
  let lo = u32(0);
  let hi = n;
  while (lo < hi) {
    const mid = u32(lo + ((hi - lo) >>> 1));
    if (get(mid) < key) lo = u32(mid + 1);
    else hi = mid;
  }
  return lo;
}

export function main(input: Bytes, output: Bytes): u32 {
  const avail = u32(input.length >>> 1);
  const n = avail < MAX ? avail : u32(MAX);
  copy(work, 0, view(input, 0, u32(n * 2)));
  heapsort(n);
  let sorted = true;
  for (let i = u32(1); i < n; i++) {
    if (get(u32(i - 1)) > get(i)) sorted = false;
  }
  // De-duplicate in place.
  let m = u32(0);
  for (let i = u32(0); i < n; i++) {
    if (m === 0 || get(u32(m - 1)) !== get(i)) {
      set(m, get(i));
      m = u32(m + 1);
    }
  }
  wr16le(output, 0, u16(m));
  wr8(output, 2, sorted ? u8(1) : u8(0));
  wr16le(output, 3, u16(lowerBound(m, u16(0x8000))));
  const size = u32(m * 2);
  copy(output, 8, view(work, 0, size < 248 ? size : u32(248)));
  return m;
}
