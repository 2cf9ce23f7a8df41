// Test app of test/device-functions: float16 / bfloat16 conversions on their encodings (integer
// arithmetic only), element by element over tensors.

import { u8, u32 } from '../../../firmware/lib/prelude.ts';
import { Tensor, halfBitsToF32Bits, f32BitsToHalfBits, bf16BitsToF32Bits, f32BitsToBf16Bits } from '../../../firmware/app/api.ts';

/** Element kinds of widenBits() / narrowBits(). */
const HALF = 0;

/** dst (32-bit elements) = the binary32 encodings of src's 16-bit elements (float16 when kind
 * is 0, else bfloat16). */
export function widenBits(src: Tensor, dst: Tensor, kind: u8): void {
  for (let i = u32(0); i < src.count(); i++) {
    const h = src.getU16(i);
    dst.setU32(i, kind === HALF ? halfBitsToF32Bits(h) : bf16BitsToF32Bits(h));
  }
}

/** dst (16-bit elements) = src's binary32 encodings narrowed to float16 (kind 0) or bfloat16,
 * rounded to nearest even. */
export function narrowBits(src: Tensor, dst: Tensor, kind: u8): void {
  for (let i = u32(0); i < src.count(); i++) {
    const b = src.getU32(i);
    dst.setU16(i, kind === HALF ? f32BitsToHalfBits(b) : f32BitsToBf16Bits(b));
  }
}
