// CRC-16/CCITT-FALSE (a.k.a. CRC-16/IBM-3740): poly 0x1021 MSB-first, init 0xFFFF, no
// reflection, no final XOR. microTVM seeds it with 0xFFFF and runs it over the raw (escaped)
// wire bytes of a frame, see framer.ts.
//
// Two interchangeable updates exist so their flash size and speed can be compared in the bench:
// the table one costs a 512-byte table in flash, the bitwise one 8 loop turns per byte.

import { u8, u16, u32, type Bytes } from '../lib/prelude.ts';

/** The CRC of an empty message: the seed every frame starts from. */
export const CRC16_INIT = 0xffff;

/** Standard non-reflected table: CRC16_TABLE[i] is the CRC register after shifting i << 8. */
export const CRC16_TABLE: readonly u16[] = [
  u16(0x0000), u16(0x1021), u16(0x2042), u16(0x3063), u16(0x4084), u16(0x50A5), u16(0x60C6), u16(0x70E7),
  u16(0x8108), u16(0x9129), u16(0xA14A), u16(0xB16B), u16(0xC18C), u16(0xD1AD), u16(0xE1CE), u16(0xF1EF),
  u16(0x1231), u16(0x0210), u16(0x3273), u16(0x2252), u16(0x52B5), u16(0x4294), u16(0x72F7), u16(0x62D6),
  u16(0x9339), u16(0x8318), u16(0xB37B), u16(0xA35A), u16(0xD3BD), u16(0xC39C), u16(0xF3FF), u16(0xE3DE),
  u16(0x2462), u16(0x3443), u16(0x0420), u16(0x1401), u16(0x64E6), u16(0x74C7), u16(0x44A4), u16(0x5485),
  u16(0xA56A), u16(0xB54B), u16(0x8528), u16(0x9509), u16(0xE5EE), u16(0xF5CF), u16(0xC5AC), u16(0xD58D),
  u16(0x3653), u16(0x2672), u16(0x1611), u16(0x0630), u16(0x76D7), u16(0x66F6), u16(0x5695), u16(0x46B4),
  u16(0xB75B), u16(0xA77A), u16(0x9719), u16(0x8738), u16(0xF7DF), u16(0xE7FE), u16(0xD79D), u16(0xC7BC),
  u16(0x48C4), u16(0x58E5), u16(0x6886), u16(0x78A7), u16(0x0840), u16(0x1861), u16(0x2802), u16(0x3823),
  u16(0xC9CC), u16(0xD9ED), u16(0xE98E), u16(0xF9AF), u16(0x8948), u16(0x9969), u16(0xA90A), u16(0xB92B),
  u16(0x5AF5), u16(0x4AD4), u16(0x7AB7), u16(0x6A96), u16(0x1A71), u16(0x0A50), u16(0x3A33), u16(0x2A12),
  u16(0xDBFD), u16(0xCBDC), u16(0xFBBF), u16(0xEB9E), u16(0x9B79), u16(0x8B58), u16(0xBB3B), u16(0xAB1A),
  u16(0x6CA6), u16(0x7C87), u16(0x4CE4), u16(0x5CC5), u16(0x2C22), u16(0x3C03), u16(0x0C60), u16(0x1C41),
  u16(0xEDAE), u16(0xFD8F), u16(0xCDEC), u16(0xDDCD), u16(0xAD2A), u16(0xBD0B), u16(0x8D68), u16(0x9D49),
  u16(0x7E97), u16(0x6EB6), u16(0x5ED5), u16(0x4EF4), u16(0x3E13), u16(0x2E32), u16(0x1E51), u16(0x0E70),
  u16(0xFF9F), u16(0xEFBE), u16(0xDFDD), u16(0xCFFC), u16(0xBF1B), u16(0xAF3A), u16(0x9F59), u16(0x8F78),
  u16(0x9188), u16(0x81A9), u16(0xB1CA), u16(0xA1EB), u16(0xD10C), u16(0xC12D), u16(0xF14E), u16(0xE16F),
  u16(0x1080), u16(0x00A1), u16(0x30C2), u16(0x20E3), u16(0x5004), u16(0x4025), u16(0x7046), u16(0x6067),
  u16(0x83B9), u16(0x9398), u16(0xA3FB), u16(0xB3DA), u16(0xC33D), u16(0xD31C), u16(0xE37F), u16(0xF35E),
  u16(0x02B1), u16(0x1290), u16(0x22F3), u16(0x32D2), u16(0x4235), u16(0x5214), u16(0x6277), u16(0x7256),
  u16(0xB5EA), u16(0xA5CB), u16(0x95A8), u16(0x8589), u16(0xF56E), u16(0xE54F), u16(0xD52C), u16(0xC50D),
  u16(0x34E2), u16(0x24C3), u16(0x14A0), u16(0x0481), u16(0x7466), u16(0x6447), u16(0x5424), u16(0x4405),
  u16(0xA7DB), u16(0xB7FA), u16(0x8799), u16(0x97B8), u16(0xE75F), u16(0xF77E), u16(0xC71D), u16(0xD73C),
  u16(0x26D3), u16(0x36F2), u16(0x0691), u16(0x16B0), u16(0x6657), u16(0x7676), u16(0x4615), u16(0x5634),
  u16(0xD94C), u16(0xC96D), u16(0xF90E), u16(0xE92F), u16(0x99C8), u16(0x89E9), u16(0xB98A), u16(0xA9AB),
  u16(0x5844), u16(0x4865), u16(0x7806), u16(0x6827), u16(0x18C0), u16(0x08E1), u16(0x3882), u16(0x28A3),
  u16(0xCB7D), u16(0xDB5C), u16(0xEB3F), u16(0xFB1E), u16(0x8BF9), u16(0x9BD8), u16(0xABBB), u16(0xBB9A),
  u16(0x4A75), u16(0x5A54), u16(0x6A37), u16(0x7A16), u16(0x0AF1), u16(0x1AD0), u16(0x2AB3), u16(0x3A92),
  u16(0xFD2E), u16(0xED0F), u16(0xDD6C), u16(0xCD4D), u16(0xBDAA), u16(0xAD8B), u16(0x9DE8), u16(0x8DC9),
  u16(0x7C26), u16(0x6C07), u16(0x5C64), u16(0x4C45), u16(0x3CA2), u16(0x2C83), u16(0x1CE0), u16(0x0CC1),
  u16(0xEF1F), u16(0xFF3E), u16(0xCF5D), u16(0xDF7C), u16(0xAF9B), u16(0xBFBA), u16(0x8FD9), u16(0x9FF8),
  u16(0x6E17), u16(0x7E36), u16(0x4E55), u16(0x5E74), u16(0x2E93), u16(0x3EB2), u16(0x0ED1), u16(0x1EF0),
];

/** Table-driven update of one byte. */
export function crc16UpdateTable(crc: u16, b: u8): u16 {
  const idx: u8 = u8((crc >>> 8) ^ b);
  return u16((crc << 8) ^ CRC16_TABLE[idx]);
}

/** Table-less update of one byte: same result, no table in flash. */
export function crc16UpdateBitwise(crc: u16, b: u8): u16 {
  let c: u16 = u16(crc ^ (b << 8));
  for (let k = u8(0); k < 8; k++) {
    if (u16(c & 0x8000) !== 0) {
      c = u16((c << 1) ^ 0x1021);
    } else {
      c = u16(c << 1);
    }
  }
  return c;
}

/** The update the stack uses: table-less, the byte-wise form of the 0x1021 polynomial (x is the
 * top byte of the register mixed with the data byte; the register shifts in x at bits 12, 5 and
 * 0), a few shifts and XORs per byte, inlined into the framer's and unframer's byte loops
 * (`@inline`: in the header). The table form is as fast out of line in C but costs 512 bytes of
 * flash (bench/README.md). This form rather than a byte swap with three 16-bit wraps: in Node
 * its loop runs about 1.3x faster (fewer wraps), and on Cortex-M3 -Os it is smaller. */
/** @inline */
export function crc16Update(crc: u16, b: u8): u16 {
  let x: u32 = u32((crc >>> 8) ^ b);
  x = u32(x ^ (x >>> 4));
  return u16((crc << 8) ^ (x << 12) ^ (x << 5) ^ x);
}

/** Runs the CRC over all of `data`, starting from `crc` (pass u16(CRC16_INIT) for a new one). */
export function crc16(data: Bytes, crc: u16): u16 {
  let c: u16 = crc;
  for (let i = u32(0); i < data.length; i++) {
    c = crc16Update(c, data[i]);
  }
  return c;
}
