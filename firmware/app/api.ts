// The FwTS API of user device functions: what the exported functions of an app (`urpc build
// --app <dir>`) may take and return. See docs/device-functions.md.
//
//   import { i32, u32, type Bytes } from '../../firmware/lib/prelude.ts';
//   import { Tensor, DType, fail } from '../../firmware/app/api.ts';
//   export function scale(t: Tensor, k: i32): i32 { ... }
//
// Parameters: u8 u16 u32 i8 i16 i32 (range-checked integers), f32 f64 (floats), boolean, Tensor
// (a device tensor passed by the host as an NDArray), Str (a string), Blob (a Uint8Array).
// Return types: void, u8 u16 u32 i8 i16 i32, f32 f64, boolean, Str (textOf(bytes)), Blob
// (blobOf(bytes)).
// A panic inside a device function fails that call only (firmware/rpc/contain.ts).
// A Tensor is a view of memory the device allocated: bytes() is exactly the tensor's extent
// (byte_offset .. byte_offset + nbytes), so every access is bounds-checked (rd*/wr* panic past
// it). It is valid only during the call.

// This module is also `urpc/fwts` (package.json exports; codegen/src/program.ts): a user's FwTS
// imports the prelude and the Tensor API from it in one line.
export * from '../lib/prelude.ts';

import {
  u8, u16, u32, i8, i16, i32, bytes, copy, mul32, clz32, panic, Panic, rd8, wr8, rd16le, wr16le, rd32le, wr32le, type Bytes, type bool,
  type f32, type f64, f32bits, f32frombits, f64hi, f64lo, f64frombits,
} from '../lib/prelude.ts';

/** DLPack dtype codes (Tensor.dtypeCode()): float16 is Float 16 bits, bfloat16 BFloat 16 bits. */
export const DType = { Int: 0, UInt: 1, Float: 2, BFloat: 4 } as const;
export type DType = (typeof DType)[keyof typeof DType];

/** Most dimensions a Tensor argument may have. */
export const TENSOR_MAX_DIMS = 8;
const SHAPE_BYTES = 32;

/** The contents of an unbound Tensor: nothing. */
const UNBOUND = bytes(0);

export class Tensor {
  private data: Bytes = UNBOUND;
  private readonly shape: Bytes = bytes(SHAPE_BYTES);
  private nd: u32 = u32(0);
  private elems: u32 = u32(0);
  private code: u8 = u8(0);
  private nbits: u8 = u8(0);
  private nlanes: u16 = u16(0);

  /** The tensor's bytes: a view of device memory, exactly nbytes() long. */
  bytes(): Bytes {
    return this.data;
  }
  nbytes(): u32 {
    return this.data.length;
  }
  /** Element count (the product of the shape). */
  count(): u32 {
    return this.elems;
  }
  ndim(): u32 {
    return this.nd;
  }
  /** Extent of dimension i; panics (Panic.Bounds) when i >= ndim(). */
  dim(i: u32): u32 {
    if (i >= this.nd) {
      return rd32le(this.shape, SHAPE_BYTES);
    }
    return rd32le(this.shape, mul32(i, u32(4)));
  }
  /** DType.Int, DType.UInt or DType.Float (other DLPack codes pass through). */
  dtypeCode(): u8 {
    return this.code;
  }
  bits(): u8 {
    return this.nbits;
  }
  lanes(): u16 {
    return this.nlanes;
  }
  /** True for one-lane elements of this code and width, e.g. t.is(DType.Int, u32(32)). */
  is(code: DType, bits: u32): bool {
    return this.code === code && u32(this.nbits) === bits && this.nlanes === 1;
  }
  // Elements, little-endian, by width (any dtype: the accessors reinterpret the bytes, so check
  // is() first). Element i must lie wholly inside the tensor, else Panic.Bounds: an index is
  // compared with the element count of that width, never wrapped into a byte offset. float16 and
  // bfloat16 elements are getU16/setU16 bit patterns (converted below, to f32 by halfToF32 ...).

  /** Byte offset of element i of 1 << log2 bytes; panics (Bounds) past the last whole one. */
  private at(i: u32, log2: u32): u32 {
    if (i >= u32(this.data.length >>> log2)) {
      panic(u32(Panic.Bounds));
    }
    return u32(i << log2);
  }
  getI8(i: u32): i8 {
    return i8(rd8(this.data, this.at(i, u32(0))));
  }
  setI8(i: u32, v: i8): void {
    wr8(this.data, this.at(i, u32(0)), u8(v));
  }
  /** Byte i. */
  getU8(i: u32): u8 {
    return rd8(this.data, this.at(i, u32(0)));
  }
  setU8(i: u32, v: u8): void {
    wr8(this.data, this.at(i, u32(0)), v);
  }
  getI16(i: u32): i16 {
    return i16(rd16le(this.data, this.at(i, u32(1))));
  }
  setI16(i: u32, v: i16): void {
    wr16le(this.data, this.at(i, u32(1)), u16(v));
  }
  getU16(i: u32): u16 {
    return rd16le(this.data, this.at(i, u32(1)));
  }
  setU16(i: u32, v: u16): void {
    wr16le(this.data, this.at(i, u32(1)), v);
  }
  getI32(i: u32): i32 {
    return i32(rd32le(this.data, this.at(i, u32(2))));
  }
  setI32(i: u32, v: i32): void {
    wr32le(this.data, this.at(i, u32(2)), u32(v));
  }
  getU32(i: u32): u32 {
    return rd32le(this.data, this.at(i, u32(2)));
  }
  setU32(i: u32, v: u32): void {
    wr32le(this.data, this.at(i, u32(2)), v);
  }
  /** A float32 element (binary32, little-endian). */
  getF32(i: u32): f32 {
    return f32frombits(rd32le(this.data, this.at(i, u32(2))));
  }
  /** Stores v; a NaN is stored as the canonical quiet NaN 0x7fc00000 (payloads are not portable). */
  setF32(i: u32, v: f32): void {
    wr32le(this.data, this.at(i, u32(2)), f32bits(v));
  }
  /** A float64 element (binary64, little-endian). */
  getF64(i: u32): f64 {
    const at: u32 = this.at(i, u32(3));
    return f64frombits(rd32le(this.data, u32(at + 4)), rd32le(this.data, at));
  }
  /** Stores v; a NaN is stored as the canonical quiet NaN 0x7ff8000000000000. */
  setF64(i: u32, v: f64): void {
    const at: u32 = this.at(i, u32(3));
    wr32le(this.data, at, f64lo(v));
    wr32le(this.data, u32(at + 4), f64hi(v));
  }

  /** Used by the generated wrappers (firmware/app/glue.ts), which have checked every value. */
  bind(data: Bytes, count: u32, code: u8, bits: u8, lanes: u16): void {
    this.data = data;
    this.elems = count;
    this.code = code;
    this.nbits = bits;
    this.nlanes = lanes;
    this.nd = u32(0);
  }
  /** Used by the generated wrappers: appends a dimension (at most TENSOR_MAX_DIMS). */
  pushDim(extent: u32): void {
    wr32le(this.shape, mul32(this.nd, u32(4)), extent);
    this.nd = u32(this.nd + 1);
  }
}

/** A str argument (TVM type code 11; the host passes a string, sent as its UTF-8 bytes): a
 * read-only view of the request, valid during the call. Returned from a function (textOf()), it
 * is the function's str result. */
export class Str {
  private data: Bytes = UNBOUND;

  /** Length in bytes. */
  length(): u32 {
    return this.data.length;
  }
  /** Byte i (bounds-checked: panics past the end). */
  at(i: u32): u8 {
    return rd8(this.data, i);
  }
  /** Copies every byte into dst at `at` (panics unless they fit). */
  copyTo(dst: Bytes, at: u32): void {
    copy(dst, at, this.data);
  }
  /** Used by the generated wrappers. */
  bind(data: Bytes): void {
    this.data = data;
  }
}

/** A bytes argument (TVM type code 12; the host passes a Uint8Array): a read-only view of the
 * request, valid during the call. Returned from a function (blobOf()), it is a bytes result. */
export class Blob {
  private data: Bytes = UNBOUND;

  length(): u32 {
    return this.data.length;
  }
  /** Byte i (bounds-checked: panics past the end). */
  at(i: u32): u8 {
    return rd8(this.data, i);
  }
  /** Copies every byte into dst at `at` (panics unless they fit). */
  copyTo(dst: Bytes, at: u32): void {
    copy(dst, at, this.data);
  }
  /** Used by the generated wrappers. */
  bind(data: Bytes): void {
    this.data = data;
  }
}

// float16 (IEEE binary16) and bfloat16 elements as their u16 bit patterns (getU16 / setU16),
// converted to and from binary32 encodings (getU32 / setU32, or f32bits / f32frombits). Widening
// is exact; narrowing rounds to nearest, ties to even, overflowing to infinity, and a NaN becomes
// the canonical quiet NaN (0x7e00 / 0x7fc0). Integer arithmetic only: a board without an FPU
// converts them without any float code.

/** The binary32 encoding of the float16 with encoding h (exact). */
export function halfBitsToF32Bits(h: u16): u32 {
  const sign: u32 = u32((h & 0x8000) << 16);
  const e: u32 = u32((h >>> 10) & 0x1f);
  const m: u32 = u32(h & 0x3ff);
  if (e === 0x1f) {
    return u32(sign | 0x7f800000 | (m << 13));
  }
  if (e !== 0) {
    return u32(sign | ((e + 112) << 23) | (m << 13));
  }
  if (m === 0) {
    return sign;
  }
  // Subnormal: m * 2^-24, its top bit p (0..9) becomes the implicit one of 2^(p - 24).
  const p: u32 = u32(31 - clz32(m));
  return u32(sign | ((p + 103) << 23) | ((m << (23 - p)) & 0x7fffff));
}

/** v shifted right by sh (1..24), rounded to nearest, ties to even. */
function shiftRoundEven(v: u32, sh: u32): u32 {
  const q: u32 = u32(v >>> sh);
  const rem: u32 = u32(v & ((1 << sh) - 1));
  const halfway: u32 = u32(1 << (sh - 1));
  if (rem > halfway || (rem === halfway && u32(q & 1) !== 0)) {
    return u32(q + 1);
  }
  return q;
}

/** The float16 encoding nearest to the binary32 with encoding b (ties to even). */
export function f32BitsToHalfBits(b: u32): u16 {
  const sign: u32 = u32((b >>> 16) & 0x8000);
  const e: u32 = u32((b >>> 23) & 0xff);
  const m: u32 = u32(b & 0x7fffff);
  if (e === 0xff) {
    return m !== 0 ? u16(0x7e00) : u16(sign | 0x7c00);
  }
  if (e >= 143) {
    return u16(sign | 0x7c00); // 2^16 and above: past the largest float16 (65504) and its rounding
  }
  if (e >= 113) {
    // Normal float16: 10 of the 23 mantissa bits; a carry out of them bumps the exponent (up to
    // infinity, 0x7c00, which is what the rounding should give).
    return u16(sign | shiftRoundEven(u32(((e - 112) << 23) | m), u32(13)));
  }
  if (e < 102) {
    return u16(sign); // below 2^-25: rounds to zero (2^-25 itself is a tie that goes to zero)
  }
  // Subnormal float16: (m | 2^23) * 2^(e - 150) in units of 2^-24 is (m | 2^23) >> (126 - e).
  return u16(sign | shiftRoundEven(u32(m | 0x800000), u32(126 - e)));
}

/** The binary32 encoding of the bfloat16 with encoding h (exact: its top 16 bits). */
export function bf16BitsToF32Bits(h: u16): u32 {
  return u32(h << 16);
}

/** The bfloat16 encoding nearest to the binary32 with encoding b (ties to even; a NaN gives
 * 0x7fc0, never an infinity). */
export function f32BitsToBf16Bits(b: u32): u16 {
  if (u32(b & 0x7fffffff) > 0x7f800000) {
    return u16(0x7fc0);
  }
  return u16(u32(b + 0x7fff + ((b >>> 16) & 1)) >>> 16);
}

/** The f32 value of a float16 encoding (exact). */
export function halfToF32(h: u16): f32 {
  return f32frombits(halfBitsToF32Bits(h));
}

/** The float16 encoding nearest to x (ties to even; NaN gives 0x7e00). */
export function f32ToHalf(x: f32): u16 {
  return f32BitsToHalfBits(f32bits(x));
}

/** The f32 value of a bfloat16 encoding (exact). */
export function bf16ToF32(h: u16): f32 {
  return f32frombits(bf16BitsToF32Bits(h));
}

/** The bfloat16 encoding nearest to x (ties to even; NaN gives 0x7fc0). */
export function f32ToBf16(x: f32): u16 {
  return f32BitsToBf16Bits(f32bits(x));
}

const TEXT_RESULT = new Str();
const BLOB_RESULT = new Blob();

/** The str result `b` (its bytes, UTF-8 for the host): `return textOf(view(buf, 0, n));`. b must
 * stay unchanged until the function returns (a module-level buffer, or a Str argument's bytes
 * copied there). */
export function textOf(b: Bytes): Str {
  TEXT_RESULT.bind(b);
  return TEXT_RESULT;
}

/** The bytes result `b` (see textOf). */
export function blobOf(b: Bytes): Blob {
  BLOB_RESULT.bind(b);
  return BLOB_RESULT;
}

let failed: bool = false;
let failCode: u32 = u32(0);

/** Makes the current call answer kException "device function failed with error <code>" instead
 * of its return value (which is then ignored). Return right after calling it. */
export function fail(code: u32): void {
  failed = true;
  failCode = code;
}

/** Used by the generated wrappers: clears fail() before a call. */
export function failureClear(): void {
  failed = false;
  failCode = u32(0);
}

/** Used by the generated wrappers: true if the call used fail(). */
export function failureSet(): bool {
  return failed;
}

export function failureCode(): u32 {
  return failCode;
}
