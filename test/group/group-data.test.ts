// The host's share of the collectives (host/client/group-data.ts), alone: splitting along the
// first axis, joining, and element-wise reduction with the element type's arithmetic, against
// references computed here another way (BigInt for integer wrap, Math.fround per step for float32).
import assert from 'node:assert/strict';
import { concatAxis0, reduceParts, splitAxis0 } from '../../host/client/group-data.ts';
import { DType } from '../../host/client/client.ts';

const u8 = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('group data: split, join, reduce', () => {
  it('splitAxis0: equal parts of whole rows; uneven rows, wrong sizes and rank 0 are refused', () => {
    const data = u8(Int16Array.from({ length: 12 }, (_, i) => i - 6));
    const { shape, parts } = splitAxis0(data, [6, 2], DType.int16, 3);
    assert.deepEqual(shape, [2, 2]);
    assert.deepEqual(parts.map((p) => Array.from(new Int16Array(p.slice().buffer))), [[-6, -5, -4, -3], [-2, -1, 0, 1], [2, 3, 4, 5]]);
    assert.throws(() => splitAxis0(data, [6, 2], DType.int16, 4), /first axis \(6\) does not split evenly over 4 devices/);
    assert.throws(() => splitAxis0(data, [5, 2], DType.int16, 5), /24 bytes for a tensor of shape \[5, 2\] \(20 bytes\)/);
    assert.throws(() => splitAxis0(new Uint8Array(1), [], DType.uint8, 1), /rank 0/);
  });

  it('concatAxis0: device order; only the first axis may differ', () => {
    const r = concatAxis0([{ shape: [1, 2], bytes: Uint8Array.of(1, 2) }, { shape: [2, 2], bytes: Uint8Array.of(3, 4, 5, 6) }]);
    assert.deepEqual(r, { shape: [3, 2], bytes: Uint8Array.of(1, 2, 3, 4, 5, 6) });
    assert.throws(() => concatAxis0([{ shape: [1, 2], bytes: new Uint8Array(2) }, { shape: [1, 3], bytes: new Uint8Array(3) }]),
      /device 1 has shape \[1, 3\], device 0 \[1, 2\]/);
  });

  it('sum wraps integers like the device (int8, uint16, int32, uint32), checked with BigInt', () => {
    const cases = [
      { d: DType.int8, make: (v: number[]) => Int8Array.from(v), bits: 8n, signed: true },
      { d: DType.uint16, make: (v: number[]) => Uint16Array.from(v), bits: 16n, signed: false },
      { d: DType.int32, make: (v: number[]) => Int32Array.from(v), bits: 32n, signed: true },
      { d: DType.uint32, make: (v: number[]) => Uint32Array.from(v), bits: 32n, signed: false },
    ];
    for (const c of cases) {
      const max = 2 ** Number(c.bits);
      const parts = [0, 1, 2, 3].map((k) => Array.from({ length: 9 }, (_, j) => ((j * 7919 + k * 104729) % max) - (c.signed ? max / 2 : 0)));
      const got = reduceParts(parts.map((p) => u8(c.make(p))), c.d, 'sum');
      const m = 1n << c.bits;
      const want = parts[0]!.map((_, j) => {
        let s = parts.reduce((a, p) => a + BigInt(p[j]!), 0n) % m;
        if (s < 0n) s += m;
        if (c.signed && s >= m / 2n) s -= m;
        return Number(s);
      });
      assert.deepEqual(got, u8(c.make(want)), c.d.bits + (c.signed ? ' signed' : ' unsigned'));
    }
  });

  it('float32 sum rounds at every step in device order; min/max propagate NaN and keep -0', () => {
    const a = Float32Array.of(1e8, 0.1, NaN, -0);
    const b = Float32Array.of(1, 0.2, 1, 0);
    const c = Float32Array.of(-1e8, 0.3, 2, 0);
    const sum = new Float32Array(reduceParts([u8(a), u8(b), u8(c)], DType.float32, 'sum').buffer);
    const step = (i: number): number => Math.fround(Math.fround(a[i]! + b[i]!) + c[i]!);
    assert.deepEqual(Array.from(sum), [step(0), step(1), NaN, 0]);
    assert.equal(sum[0], 0); // 1e8 + 1 rounds back to 1e8 in float32
    const min = new Float32Array(reduceParts([u8(a), u8(b), u8(c)], DType.float32, 'min').buffer);
    assert.deepEqual(Array.from(min), [-1e8, Math.fround(0.1), NaN, -0]);
    assert.ok(Object.is(min[3], -0));
    const max = new Float32Array(reduceParts([u8(a), u8(b), u8(c)], DType.float32, 'max').buffer);
    assert.deepEqual(Array.from(max), [1e8, Math.fround(0.3), NaN, 0]);
  });

  it('unsupported dtypes and unequal parts are refused', () => {
    assert.throws(() => reduceParts([new Uint8Array(4)], { code: 2, bits: 16, lanes: 1 }, 'sum'), /dtype code 2 bits 16 lanes 1 is not supported/);
    assert.throws(() => reduceParts([new Uint8Array(4)], { code: 0, bits: 32, lanes: 2 }, 'sum'), /not supported/);
    assert.throws(() => reduceParts([new Uint8Array(4), new Uint8Array(8)], DType.int32, 'max'), /device 1 holds 8 bytes, device 0 4/);
  });
});
