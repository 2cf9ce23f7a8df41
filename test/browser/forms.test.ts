// The console's form logic, run in Node (no DOM in these modules): signatures as urpc.info lists
// them, the typed fields' text to arguments with clear errors on bad input, tensor shapes and fills.
import assert from 'node:assert/strict';
import { parseSignature, toArg, toArgs, parseHex, showValue } from '../../host/web/page/signature.ts';
import { elements, fill, parseShape } from '../../host/web/page/tensor-data.ts';
import { DType } from '../../host/client/client.ts';

const none = new Map();

describe('browser console forms', () => {
  it('reads the signatures of the native firmware', () => {
    assert.deepEqual(parseSignature('(tensor a, tensor b, tensor out) -> void'), {
      params: [
        { type: 'tensor', name: 'a', optional: false, variadic: false },
        { type: 'tensor', name: 'b', optional: false, variadic: false },
        { type: 'tensor', name: 'out', optional: false, variadic: false },
      ], returns: 'void', async: false,
    });
    assert.deepEqual(parseSignature('(int...) -> void').params, [{ type: 'int', name: 'ints', optional: false, variadic: true }]);
    assert.equal(parseSignature('(int ms) -> void [async]').async, true);
    assert.deepEqual(parseSignature('() -> module').params, []);
    const te = parseSignature('(module, str name, int dev_type, int dev_id, int number, int repeat, int min_repeat_ms, [int limit_zero_time_iterations], int cooldown_interval_ms, int repeats_to_cooldown, [int cache_flush_bytes], str f_preproc) -> func');
    assert.equal(te.params.length, 12);
    assert.deepEqual(te.params.filter((p) => p.optional).map((p) => p.name), ['limit_zero_time_iterations', 'cache_flush_bytes']);
    assert.deepEqual(te.params[0], { type: 'module', name: 'arg0', optional: false, variadic: false });
    // Text it cannot read: one free-form variadic field rather than a wrong form.
    assert.deepEqual(parseSignature('whatever').params, [{ type: 'any', name: 'args', optional: false, variadic: true }]);
  });

  it('turns field text into typed arguments; bad input is a clear error', () => {
    assert.equal(toArg('int', ' 42 ', none), 42);
    assert.equal(toArg('int', '-0x10', none), -16);
    assert.equal(toArg('int', String(2n ** 62n), none), 2n ** 62n);
    assert.equal(toArg('int', String(2n ** 64n - 1n), none), 2n ** 64n - 1n);
    assert.throws(() => toArg('int', String(2n ** 64n), none), /does not fit in 64 bits/);
    assert.throws(() => toArg('int', '1.5', none), /'1.5' is not an integer/);
    assert.throws(() => toArg('int', '', none), /is not an integer/);
    assert.equal(toArg('float', '2.5', none), 2.5);
    assert.deepEqual(toArg('float', '3', none), { type: 'float', value: 3 }, 'a whole float stays a float on the wire');
    assert.throws(() => toArg('float', 'abc', none), /'abc' is not a number/);
    assert.equal(toArg('str', ' a b ', none), ' a b ');
    assert.equal(toArg('bool', 'false', none), false);
    assert.throws(() => toArg('bool', 'yes', none), /not true or false/);
    assert.equal(toArg('null', 'ignored', none), null);
    assert.deepEqual(toArg('bytes', '0a ff10', none), new Uint8Array([10, 255, 16]));
    assert.throws(() => parseHex('abc'), /not hex bytes/);
    assert.throws(() => toArg('tensor', '', none), /no tensor chosen/);
    assert.throws(() => toArg('tensor', 't9', none), /no tensor 't9'/);
    assert.deepEqual(toArg('func', '0x20', none), { type: 'func', value: 32n });
    assert.deepEqual(toArgs('int', '1, 2,3', none), [1, 2, 3]);
    assert.deepEqual(toArgs('int', '  ', none), []);
    assert.throws(() => toArgs('int', '1,,2', none), /is not an integer/);
  });

  it('shows replies', () => {
    assert.equal(showValue(undefined), '(void)');
    assert.equal(showValue('x'), '"x"');
    assert.equal(showValue(2n ** 62n), String(2n ** 62n));
    assert.equal(showValue(new Uint8Array([1, 255])), 'bytes[2] 01 ff');
    assert.equal(showValue({ type: 'module', value: 5n }), 'module 0x5');
  });

  it('tensor shapes, fills and element views', () => {
    assert.deepEqual(parseShape('16, 24'), [16, 24]);
    assert.deepEqual(parseShape('4x4'), [4, 4]);
    assert.throws(() => parseShape('0'), /bad shape/);
    assert.throws(() => parseShape('a'), /bad shape/);
    assert.deepEqual([...fill('ramp', 'int16', 4, '')], [0, 1, 2, 3]);
    assert.deepEqual([...fill('values', 'float32', 3, '1 2.5, -3')], [1, 2.5, -3]);
    assert.throws(() => fill('values', 'float32', 3, '1 2'), /expected 3 numbers for this shape, got 2/);
    assert.throws(() => fill('ramp', 'float64', 3, ''), /unknown dtype float64/);
    const v = new Int16Array([-2, 300]);
    assert.deepEqual([...elements(new Uint8Array(v.buffer), DType.int16)], [-2, 300]);
    // An unaligned slice (as copyTo may return) still reads right.
    const buf = new Uint8Array(9);
    buf.set(new Uint8Array(new Float32Array([1.5, -2]).buffer), 1);
    assert.deepEqual([...elements(buf.subarray(1), DType.float32)], [1.5, -2]);
  });
});
