// Double-buffered sample capture as with a DMA ping-pong: samples go into the active half; when it
// fills, the halves swap (module-level views are rebound) and the full half is summarised by the
// "background" code. The sampler itself triggers the swap, so writes and the rebinding interleave
// the way they do in an ISR-driven driver.
import { u8, u16, u32, bytes, view, rd8, wr8, wr16le, type Bytes } from '../../../firmware/lib/prelude.ts';

const HALF = 16;
const store = bytes(HALF * 2);
let active: Bytes = view(store, 0, HALF);
let ready: Bytes = view(store, HALF, HALF * 2);
let pos = u32(0);
let swaps = u32(0);
let seed = u32(1);

function swap(): void {
  const t = active;
  active = ready;
  ready = t;
  swaps = u32(swaps + 1);
}

/** The next sample from the "ADC". Taking the last sample of a half completes the transfer:
 * the halves swap at once (as the DMA complete interrupt would), before the sample is stored. */
function sample(raw: u8): u8 {
  seed = u32((seed * 75 + raw) & 0xffff);
  if (pos === HALF - 1) swap();
  return u8(seed >>> 4);
}

function checksum(b: Bytes): u16 {
  let s = u16(0);
  for (let i = u32(0); i < b.length; i++) s = u16((s << 1) + b[i] + (s >>> 15));
  return s;
}

export function main(input: Bytes, output: Bytes): u32 {
  let o = u32(0);
  for (let i = u32(0); i < input.length; i++) {
    const before = swaps;
    // The write target is the active half as it is before sample() runs (JS evaluates the
    // arguments left to right).
    wr8(active, pos, sample(input[i]));
    pos = pos === HALF - 1 ? u32(0) : u32(pos + 1);
    if (swaps !== before && u32(o + 2) <= output.length) {
      wr16le(output, o, checksum(ready));
      o = u32(o + 2);
    }
  }
  wr8(output, 255, u8(swaps));
  wr8(output, 254, rd8(store, 0));
  return u32(pos);
}
