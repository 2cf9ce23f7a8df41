// A median-of-5 spike filter for noisy sensor readings: the last five samples are kept in
// arrival order, copied and insertion-sorted each step, and the middle one is output. A
// glitch counter records samples that differ from the median by more than a threshold.
import { u8, u16, u32, bytes, wr8, rd16le, wr16le, copy, view, type Bytes } from '../../../firmware/lib/prelude.ts';

const N = 5;
const GLITCH = 200;

const history = bytes(N * 2);
const sorted = bytes(N * 2);
let count = u32(0);
let glitches = u16(0);

function insertionSort(b: Bytes, n: u32): void {
  for (let i = u32(1); i < n; i++) {
    const v = rd16le(b, u32(i * 2));
    let j = i;
    while (j > 0 && rd16le(b, u32((j - 1) * 2)) > v) {
      wr16le(b, u32(j * 2), rd16le(b, u32((j - 1) * 2)));
      j = u32(j - 1);
    }
    wr16le(b, u32(j * 2), v);
  }
}

export function medianStep(sample: u16): u16 {
  // Shift history left by one sample and append.
  copy(history, 0, view(history, 2, N * 2));
  wr16le(history, u32((N - 1) * 2), sample);
  count = u32(count + 1);
  const n = count < N ? count : u32(N);
  // The newest n samples are at the end of history.
  for (let i = u32(0); i < n; i++) {
    wr16le(sorted, u32(i * 2), rd16le(history, u32((N - n + i) * 2)));
  }
  insertionSort(sorted, n);
  const m = rd16le(sorted, u32((n >>> 1) * 2));
  const d = sample > m ? u16(sample - m) : u16(m - sample);
  if (d > GLITCH) glitches = u16(glitches + 1);
  return m;
}

export function main(input: Bytes, output: Bytes): u32 {
  let o = u32(0);
  for (let i = u32(0); u32(i + 2) <= input.length; i = u32(i + 2)) {
    const m = medianStep(u16(rd16le(input, i) & 0x3ff));
    if (u32(o + 2) <= output.length) {
      wr16le(output, o, m);
      o = u32(o + 2);
    }
  }
  wr8(output, 255, u8(glitches));
  return u32(count);
}
