// The framing CRC (CRC-16/CCITT-FALSE, firmware/framing/crc16.ts) over a whole run of bytes, for
// the host only: eight 256-entry tables (4 KiB, which the MCU must not carry) take 8 bytes per
// step with independent lookups ("slicing-by-8"), where the byte-wise update is one long chain of
// dependent shifts per byte. In Node this runs about 2.5x faster than crc16Update's loop
// (bench/codec.ts). The tables are built from the FwTS crc16Update itself, so the polynomial has
// one source; test/unit/fast-framing.test.ts checks the run against the byte-wise update.
// Browser-safe.

import { u8, u16 } from '../../firmware/lib/prelude.ts';
import { crc16Update } from '../../firmware/framing/crc16.ts';

/** SLICES[256 * k + i]: the register after byte i followed by k zero bytes, from register 0. */
const SLICES = ((): Uint16Array => {
  const t = new Uint16Array(256 * 8);
  for (let i = 0; i < 256; i++) t[i] = crc16Update(u16(0), u8(i));
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const prev = t[256 * (k - 1) + i];
      t[256 * k + i] = ((prev << 8) & 0xffff) ^ t[prev >>> 8];
    }
  }
  return t;
})();

/** The CRC register after `data[from, to)`, starting from `crc`: what crc16Update byte by byte
 * gives. `from` and `to` must lie within data (the callers' bounds are already checked). */
export function crc16Run(crc: number, data: Uint8Array, from: number, to: number): number {
  const t = SLICES;
  let c = crc & 0xffff;
  let i = from;
  // The register (16 bits) meets the first two bytes of each 8; the other six are looked up
  // alone, each shifted over the bytes still to come by its table.
  for (const last = to - 8; i <= last; i += 8) {
    c = t[1792 + ((c >>> 8) ^ data[i])] ^ t[1536 + ((c & 0xff) ^ data[i + 1])] ^
      t[1280 + data[i + 2]] ^ t[1024 + data[i + 3]] ^ t[768 + data[i + 4]] ^
      t[512 + data[i + 5]] ^ t[256 + data[i + 6]] ^ t[data[i + 7]];
  }
  for (; i < to; i++) c = ((c << 8) & 0xffff) ^ t[(c >>> 8) ^ data[i]];
  return c;
}

/** The register after `n` bytes of 0xFF (an escaped FF is two of them on the wire). */
export function crc16FFs(crc: number, n: number): number {
  let c = crc & 0xffff;
  for (let k = 0; k < n; k++) c = ((c << 8) & 0xffff) ^ SLICES[(c >>> 8) ^ 0xff];
  return c;
}
