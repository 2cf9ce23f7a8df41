// Test app of test/device-functions: every Tensor element width, str and bytes arguments, str
// and bytes results.

import { u8, u16, u32, i8, i16, i32, bytes, view, wr8 } from '../../../firmware/lib/prelude.ts';
import { Tensor, Str, Blob, DType, textOf, blobOf, fail } from '../../../firmware/app/api.ts';

/** Element kinds of bump(): int8, uint8, int16, uint16, int32, uint32. */
const I8 = 0;
const U8 = 1;
const I16 = 2;
const U16 = 3;
const I32 = 4;

/** dst[i] = src[i] + k (wrapping in the element type) for each of the n elements, with the
 * getters and setters of `kind`; returns the sum of the new elements as an i32 (wrapping). */
export function bump(src: Tensor, dst: Tensor, kind: u8, k: i32): i32 {
  const n: u32 = src.count();
  let sum: i32 = i32(0);
  for (let i = u32(0); i < n; i++) {
    let v: i32 = i32(0);
    if (kind === I8) {
      const e: i8 = i8(src.getI8(i) + k);
      dst.setI8(i, e);
      v = i32(e);
    } else if (kind === U8) {
      const e: u8 = u8(src.getU8(i) + k);
      dst.setU8(i, e);
      v = i32(e);
    } else if (kind === I16) {
      const e: i16 = i16(src.getI16(i) + k);
      dst.setI16(i, e);
      v = i32(e);
    } else if (kind === U16) {
      const e: u16 = u16(src.getU16(i) + k);
      dst.setU16(i, e);
      v = i32(e);
    } else if (kind === I32) {
      const e: i32 = i32(src.getI32(i) + k);
      dst.setI32(i, e);
      v = e;
    } else {
      const e: u32 = u32(src.getU32(i) + k);
      dst.setU32(i, e);
      v = i32(e);
    }
    sum = i32(sum + v);
  }
  return sum;
}

/** The raw bits of element i of a float16 / bfloat16 tensor (16-bit elements), or fail(1). */
export function halfBits(t: Tensor, i: u32): u16 {
  if (t.dtypeCode() !== DType.Float || t.bits() !== 16) {
    fail(u32(1));
    return u16(0);
  }
  return t.getU16(i);
}

/** Length of s in bytes. */
export function strLength(s: Str): u32 {
  return s.length();
}

/** Byte i of s (Bounds past the end). */
export function strAt(s: Str, i: u32): u8 {
  return s.at(i);
}

const GREETING = bytes(64);
const HELLO: readonly u8[] = [u8(0x68), u8(0x69), u8(0x2c), u8(0x20)]; // "hi, "

/** "hi, " + name (name cut to fit 64 bytes). */
export function greet(name: Str): Str {
  for (let i = u32(0); i < HELLO.length; i++) {
    GREETING[i] = HELLO[i];
  }
  const n: u32 = name.length() < u32(GREETING.length - HELLO.length) ? name.length() : u32(GREETING.length - HELLO.length);
  for (let i = u32(0); i < n; i++) {
    wr8(GREETING, u32(HELLO.length + i), name.at(i));
  }
  return textOf(view(GREETING, u32(0), u32(HELLO.length + n)));
}

/** Its argument, as received. */
export function echoStr(s: Str): Str {
  return s;
}

const REVERSED = bytes(256);

/** The bytes of b in reverse order (at most 256 of them, else fail(2)). */
export function reverse(b: Blob): Blob {
  const n: u32 = b.length();
  if (n > REVERSED.length) {
    fail(u32(2));
    return blobOf(view(REVERSED, u32(0), u32(0)));
  }
  for (let i = u32(0); i < n; i++) {
    wr8(REVERSED, u32(n - 1 - i), b.at(i));
  }
  return blobOf(view(REVERSED, u32(0), n));
}

const COPY = bytes(8);

/** Copies b into an 8-byte buffer with copyTo (Bounds when b is longer) and returns the copy. */
export function copy8(b: Blob): Blob {
  b.copyTo(COPY, u32(0));
  return blobOf(view(COPY, u32(0), b.length()));
}

/** How many bytes of b equal v. */
export function countByte(b: Blob, v: u8): u32 {
  let n: u32 = u32(0);
  for (let i = u32(0); i < b.length(); i++) {
    if (b.at(i) === v) {
      n = u32(n + 1);
    }
  }
  return n;
}
