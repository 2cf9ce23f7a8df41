// Consistent Overhead Byte Stuffing: encode the input into a frame with no zero bytes, decode it
// back, and check the round trip. Output: [u16 encoded length][encoded frame][decoded copy].
import { u8, u16, u32, bytes, rd8, wr8, wr16le, copy, view, log, type Bytes } from '../../../firmware/lib/prelude.ts';

const Cobs = { Ok: 0, ZeroInFrame: 1, Truncated: 2, NoRoom: 3 } as const;
type Cobs = (typeof Cobs)[keyof typeof Cobs];

let lastError: Cobs = Cobs.Ok;

/** Encode src into dst; returns the encoded length, or panics when dst is too small. */
export function cobsEncode(src: Bytes, dst: Bytes): u32 {
  let codeAt = u32(0);
  let out = u32(1);
  let code = u8(1);
  for (let i = u32(0); i < src.length; i++) {
    const b = src[i];
    if (b === 0) {
      wr8(dst, codeAt, code);
      codeAt = out;
      out = u32(out + 1);
      code = u8(1);
    } else {
      wr8(dst, out, b);
      out = u32(out + 1);
      code = u8(code + 1);
      if (code === 0xff) {
        wr8(dst, codeAt, code);
        codeAt = out;
        out = u32(out + 1);
        code = u8(1);
      }
    }
  }
  wr8(dst, codeAt, code);
  return out;
}

/** Decode; returns the decoded length, or 0xffffffff with lastError set. */
export function cobsDecode(src: Bytes, dst: Bytes): u32 {
  let i = u32(0);
  let out = u32(0);
  while (i < src.length) {
    const code = rd8(src, i);
    if (code === 0) {
      lastError = Cobs.ZeroInFrame;
      return u32(0xffffffff);
    }
    i = u32(i + 1);
    for (let k = u8(1); k < code; k++) {
      if (i >= src.length) {
        lastError = Cobs.Truncated;
        return u32(0xffffffff);
      }
      if (out >= dst.length) {
        lastError = Cobs.NoRoom;
        return u32(0xffffffff);
      }
      wr8(dst, out, rd8(src, i));
      out = u32(out + 1);
      i = u32(i + 1);
    }
    if (code !== 0xff && i < src.length) {
      if (out >= dst.length) {
        lastError = Cobs.NoRoom;
        return u32(0xffffffff);
      }
      wr8(dst, out, u8(0));
      out = u32(out + 1);
    }
  }
  lastError = Cobs.Ok;
  return out;
}

const frame = bytes(320);
const back = bytes(320);

export function main(input: Bytes, output: Bytes): u32 {
  const encLen = cobsEncode(input, frame);
  const enc = view(frame, 0, encLen);
  for (let i = u32(0); i < enc.length; i++) {
    if (enc[i] === 0) {
      log('zero byte in a COBS frame', i);
    }
  }
  const decLen = cobsDecode(enc, back);
  let same = decLen === input.length;
  for (let i = u32(0); i < input.length; i++) {
    if (!same) {
      break;
    }
    same = rd8(back, i) === input[i];
  }
  wr16le(output, 0, u16(encLen));
  wr8(output, 2, same ? u8(1) : u8(0));
  // The raw input as a received frame: most random inputs are malformed.
  const rawLen = cobsDecode(input, back);
  wr16le(output, 3, u16(rawLen));
  wr8(output, 5, u8(lastError));
  const shown = encLen < 200 ? encLen : u32(200);
  copy(output, 8, view(frame, 0, shown));
  return encLen;
}
