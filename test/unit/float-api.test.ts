// The FwTS float API in Node (firmware/lib/float.ts): the semantics docs/fwts.md promises, which the
// C helpers of codegen/runtime/fw_rt.h must reproduce bit for bit (test/codegen/float-*.test.ts).
import { strict as assert } from 'node:assert';
import {
  f32, f64, u32, i32, u8, i8, u16, i16, sqrt, sqrtf, abs, absf, floor, ceil, trunc, round, roundf, min, max, minf, maxf,
  copysign, copysignf, f32bits, f32frombits, f64hi, f64lo, f64frombits, F64_NAN, F64_INFINITY, F32_NAN, F32_INFINITY,
} from '../../firmware/lib/prelude.ts';
import { f32 as f32Api } from '../../firmware/app/api.ts';

const negZero = (x: number): boolean => x === 0 && 1 / x < 0;

describe('FwTS float API (Node reference)', () => {
  it('is re-exported by the prelude and urpc/fwts', () => {
    assert.equal(f32Api, f32);
  });

  it('f32() rounds to nearest even, f64() is the identity', () => {
    assert.equal(f32(0.1), 0.10000000149011612);
    assert.equal(f32(16777217), 16777216); // tie: to even
    assert.equal(f32(16777219), 16777220);
    assert.equal(f32(3.4028235677973366e38), F32_INFINITY); // rounds past FLT_MAX
    assert.equal(f64(0.1), 0.1);
  });

  it('integer conversions of a float are ToInt32 / ToUint32', () => {
    assert.equal(u32(f64(-1.5)), 0xffffffff);
    assert.equal(u32(f64(4294967296.5)), 0);
    assert.equal(u32(F64_NAN), 0);
    assert.equal(u32(F64_INFINITY), 0);
    assert.equal(i32(f64(2147483648)), -2147483648);
    assert.equal(i32(f64(-2.9)), -2);
    assert.equal(u8(f64(257.9)), 1);
    assert.equal(i8(f64(128)), -128);
    assert.equal(u16(f64(-1)), 0xffff);
    assert.equal(i16(f64(1e20)), i16(f64(1e20) % 65536));
  });

  it('round is Math.round: ties toward +Infinity, -0 kept', () => {
    assert.equal(round(f64(2.5)), 3);
    assert.equal(round(f64(-2.5)), -2);
    assert.equal(round(f64(0.49999999999999994)), 0);
    assert.ok(negZero(round(f64(-0.5))));
    assert.ok(negZero(round(f64(-0))));
    assert.equal(roundf(f32(-1.5)), -1);
    assert.ok(negZero(ceil(f64(-0.5))));
    assert.equal(floor(f64(-0.5)), -1);
    assert.ok(negZero(trunc(f64(-0.7))));
  });

  it('min/max follow JavaScript: NaN wins, -0 < +0', () => {
    assert.ok(Number.isNaN(min(F64_NAN, f64(1))));
    assert.ok(Number.isNaN(max(f64(1), F64_NAN)));
    assert.ok(negZero(min(f64(0), f64(-0))));
    assert.ok(negZero(min(f64(-0), f64(0))));
    assert.ok(!negZero(max(f64(-0), f64(0))));
    assert.ok(Number.isNaN(minf(F32_NAN, f32(1))));
    assert.equal(maxf(f32(-1), f32(2)), 2);
  });

  it('sqrt, abs, copysign', () => {
    assert.equal(sqrt(f64(2)), Math.SQRT2);
    assert.equal(sqrtf(f32(2)), Math.fround(Math.SQRT2));
    assert.ok(Number.isNaN(sqrt(f64(-1))));
    assert.ok(!negZero(abs(f64(-0))));
    assert.equal(absf(f32(-3)), 3);
    assert.ok(negZero(copysign(f64(0), f64(-0))));
    assert.equal(copysign(f64(-2), F64_NAN), 2); // a NaN sign reads as positive
    assert.equal(copysignf(f32(2), f32(-1)), -2);
  });

  it('bit casts round-trip and canonicalise NaN', () => {
    assert.equal(f32bits(f32(1)), 0x3f800000);
    assert.equal(f32bits(f32(-0)), 0x80000000);
    assert.equal(f32bits(F32_NAN), 0x7fc00000);
    assert.equal(f32bits(f32frombits(u32(0xffc00001))), 0x7fc00000);
    assert.equal(f32frombits(u32(1)), 1.401298464324817e-45);
    assert.equal(f64hi(f64(1)), 0x3ff00000);
    assert.equal(f64lo(f64(1)), 0);
    assert.equal(f64hi(f64(-0)), 0x80000000);
    assert.equal(f64hi(F64_NAN), 0x7ff80000);
    assert.equal(f64lo(F64_NAN), 0);
    assert.equal(f64lo(f64(5e-324)), 1);
    assert.equal(f64frombits(u32(0x400921fb), u32(0x54442d18)), Math.PI);
    const x = f64(-123.456e-300);
    assert.equal(f64frombits(f64hi(x), f64lo(x)), x);
  });
});
