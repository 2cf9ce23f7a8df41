// No silent wraps (issue 14 item 5): a value outside its dtype's range is an error naming the
// value and the range, in the API (session.array, call arguments) as in the CLI and the REPL.
import assert from 'node:assert/strict';
import { connect } from '../../host/client/connect.ts';
import { DType } from '../../host/client/rpc-session.ts';
import { checkElement, checkInt64, formatElement, typedArrayOf } from '../../host/client/values.ts';

describe('values: range checks before anything is sent', () => {
  it('checkElement: in range passes, out of range names the value and the range', () => {
    assert.equal(checkElement('int16', -32768), -32768);
    assert.equal(checkElement('uint32', 4294967295), 4294967295);
    assert.equal(checkElement('float32', 1.5), 1.5);
    for (const [name, v, re] of [
      ['int16', 70000, /70000 is outside the range of int16 \(-32768\.\.32767\)/],
      ['int32', 1e12, /1000000000000 is outside the range of int32 \(-2147483648\.\.2147483647\)/],
      ['float32', 'x', /"x" is not a number: expected float32/],
      ['float32', 1e39, /outside the range of float32/],
      ['uint8', -1, /-1 is outside the range of uint8 \(0\.\.255\)/],
      ['int8', 1.5, /1\.5 is not an integer: expected int8/],
      ['int32', 2n ** 40n, /1099511627776 is outside the range of int32/],
    ] as const) {
      assert.throws(() => checkElement(name, v), (e: Error) => e instanceof RangeError && re.test(e.message), `${name} ${String(v)}`);
    }
  });
  it('typedArrayOf names the element', () => {
    assert.deepEqual([...typedArrayOf('int16', [1, -2, 3])], [1, -2, 3]);
    assert.throws(() => typedArrayOf('int16', [1, 70000]), /element 1: 70000 is outside the range of int16/);
  });
  it('integer arguments: int64 or a RangeError (10^23 is not wrapped to another integer)', () => {
    assert.equal(checkInt64(-(2n ** 63n)), -(2n ** 63n));
    assert.throws(() => checkInt64(10n ** 23n), /integer argument 100000000000000000000000 is outside int64 \(-9223372036854775808\.\.9223372036854775807\)/);
    assert.throws(() => checkInt64(1e23), RangeError);
    assert.throws(() => checkInt64(2n ** 63n), RangeError);
  });
  it('float32 elements print in their shortest form', () => {
    assert.equal(formatElement(Math.fround(0.1), 'float32'), '0.1');
    assert.equal(formatElement(Math.fround(1 / 3), 'float32'), '0.33333334');
    assert.equal(formatElement(7, 'int32'), '7');
  });
});

describe('values: the API (LocalSession, the device code in this process)', () => {
  it('session.array throws RangeError for a value its dtype cannot hold; nothing is allocated', async () => {
    const s = await connect('local');
    try {
      const free0 = (await s.info()).memFree;
      await assert.rejects(s.array([1, 70000], { dtype: DType.int16 }), (e: Error) => e instanceof RangeError && /70000 is outside the range of int16 \(-32768\.\.32767\)/.test(e.message));
      await assert.rejects(s.array([1e12], { dtype: DType.int32 }), RangeError);
      await assert.rejects(s.array(['x' as unknown as number]), (e: Error) => e instanceof RangeError && /"x" is not a number: expected float32/.test(e.message));
      assert.equal((await s.info()).memFree, free0);
      const t = await s.array([-32768, 32767], { dtype: DType.int16 });
      assert.deepEqual([...new Int16Array((await t.copyTo()).slice().buffer)], [-32768, 32767]);
      await t.free();
    } finally {
      await s.close();
    }
  });
  it('an integer argument past int64 is a RangeError, not a wrapped call; a number past int64 is a float', async () => {
    const s = await connect('local');
    try {
      await assert.rejects(s.functions.echo(10n ** 23n), (e: Error) => e instanceof RangeError && /outside int64/.test(e.message));
      // A JavaScript number that large is a double (no int64 has its value): sent as type code 2.
      assert.deepEqual(await s.functions.echo(1e23), [1e23]);
      assert.deepEqual(await s.functions.echo(-(2 ** 63)), [-(2n ** 63n)], 'int64 min is an int');
      assert.deepEqual(await s.functions.echo(2 ** 63), [2 ** 63], '2^63 is past int64: a float');
      assert.ok(Object.is(((await s.functions.echo(-0)) as number[])[0], -0), '-0 keeps its sign (a float)');
      assert.deepEqual(await s.functions.echo(2n ** 63n - 1n), [2n ** 63n - 1n]);
    } finally {
      await s.close();
    }
  });
});
