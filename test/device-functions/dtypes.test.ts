// Issue 17 item 2 (the parts without floats): Tensor element getters and setters for int8,
// uint8, int16, uint16, int32 and uint32 (bounds-checked per element), float16 elements as raw
// u16 bits and their conversions to and from binary32 encodings (integer code), str and bytes arguments (read-only views of the request) and str / bytes results,
// with the generated host types (string, Uint8Array). On LocalSession, the native firmware and
// the lm3s6965evb firmware in QEMU, each against a JavaScript reference.
import assert from 'node:assert/strict';
import { connect } from '../../host/client/connect.ts';
import { RemoteError, DType } from '../../host/client/client.ts';
import type { RpcSession } from '../../host/client/rpc-session.ts';
import { callFuncPacket, RPCCode, int, str, type Value } from '../../host/client/packet.ts';
import { loadApp } from '../../host/app/load.ts';
import { readApp, renderDts } from '../../host/app/generate.ts';
import { requireTools, QEMU_TOOLS } from '../qemu/helpers.ts';
import { APP, withApp, siteOf } from './helpers.ts';
import { halfValue, bf16Value, toHalfRef, toBf16Ref } from './half-ref.ts';
import type { AppFunctions } from './app/app.d.ts';

type Typed = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
/** bump()'s kinds, in its order, with edge values that wrap when k is added. */
const KINDS: { name: string; dtype: { code: number; bits: number; lanes: number }; make: (xs: number[]) => Typed; xs: number[] }[] = [
  { name: 'int8', dtype: DType.int8, make: (xs) => Int8Array.from(xs), xs: [-128, -1, 0, 1, 126, 127] },
  { name: 'uint8', dtype: DType.uint8, make: (xs) => Uint8Array.from(xs), xs: [0, 1, 128, 254, 255] },
  { name: 'int16', dtype: DType.int16, make: (xs) => Int16Array.from(xs), xs: [-32768, -1, 0, 300, 32766, 32767] },
  { name: 'uint16', dtype: DType.uint16, make: (xs) => Uint16Array.from(xs), xs: [0, 1, 40000, 65534, 65535] },
  { name: 'int32', dtype: DType.int32, make: (xs) => Int32Array.from(xs), xs: [-2147483648, -1, 0, 70000, 2147483646, 2147483647] },
  { name: 'uint32', dtype: DType.uint32, make: (xs) => Uint32Array.from(xs), xs: [0, 1, 3000000000, 4294967294, 4294967295] },
];

async function rejects(p: Promise<unknown>, text: string | RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RemoteError, `expected RemoteError, got ${String(e)}`);
    if (typeof text === 'string') assert.equal(e.remoteMessage, text);
    else assert.match(e.remoteMessage, text);
    return;
  }
  assert.fail(`expected the exception ${String(text)}`);
}

/** Bytes of a typed array. */
const raw = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** float32 encodings to narrow: exact float16 / bfloat16 values, the ties between neighbours
 * and one ulp either side (both signs), the overflow edges, NaN, the infinities and random bit
 * patterns; every `stride`-th neighbour pair. */
function narrowCases(stride: number): Uint32Array {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  const cases: number[] = [];
  const around = (x: number): void => {
    f[0] = x;
    const b = u[0];
    for (const d of [-1, 0, 1]) cases.push((b + d) >>> 0, ((b + d) ^ 0x80000000) >>> 0);
  };
  for (let h = 0; h < 0x7c00; h += stride) {
    around(halfValue(h));
    around(h === 0x7bff ? 65520 : (halfValue(h) + halfValue(h + 1)) / 2);
  }
  for (let b = 0; b < 0x7f80; b += stride) around((bf16Value(b) + bf16Value(b + 1)) / 2);
  let r = 0x9e3779b9;
  for (let i = 0; i < 2000; i++) {
    r ^= r << 13; r ^= r >>> 17; r ^= r << 5;
    cases.push(r >>> 0);
  }
  cases.push(0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0xffffffff, 0x7f7fffff, 0x7f7f8000, 0x477ff000, 0x33000000, 0x33000001);
  return Uint32Array.from(cases);
}

function suite(kind: string, open: (ctx: Mocha.Context) => Promise<RpcSession<AppFunctions>>, stride = 7): void {
  describe(`device-function dtypes, strings and bytes: ${kind}`, function () {
    this.timeout(180_000);
    let s: RpcSession<AppFunctions>;
    before(async function () {
      s = await open(this);
    });
    after(async () => {
      await s?.close();
    });

    for (const [k, K] of KINDS.entries()) {
      it(`Tensor get/set ${K.name}: element-wise, wrapping like the JavaScript typed array`, async () => {
        for (const add of [1, -1, 1000]) {
          const src = K.make(K.xs);
          const a = await s.array(src, { dtype: K.dtype });
          const b = await s.empty([src.length], K.dtype);
          const want = K.make(K.xs.map((x) => x + add));
          const sum = [...want].reduce((acc, v) => (acc + (v | 0)) | 0, 0);
          assert.equal(await s.functions.bump(a, b, k, add), sum);
          const got = await b.copyTo();
          assert.deepEqual(got, new Uint8Array(want.buffer), `${K.name} + ${add}`);
          assert.deepEqual(await a.copyTo(), new Uint8Array(src.buffer), 'the source is unchanged');
          await Promise.all([a.free(), b.free()]);
        }
      });
    }
    it('an element past the end is a Bounds panic for each width (a shorter destination)', async () => {
      for (const [k, K] of KINDS.entries()) {
        const a = await s.array(K.make([1, 2, 3]), { dtype: K.dtype });
        const b = await s.empty([2], K.dtype);
        await rejects(s.functions.bump(a, b, k, 1),
          `device function bump panicked: Bounds (index outside a buffer) at ${siteOf('firmware/app/api.ts', 'panic(u32(Panic.Bounds))')}`);
        await Promise.all([a.free(), b.free()]);
      }
    });
    it('float16 elements as raw u16 bits', async () => {
      const bits = Uint16Array.of(0x3c00, 0xc000, 0x7c00, 0x0001);
      const t = await s.array(bits, { dtype: { code: 2, bits: 16, lanes: 1 } });
      for (let i = 0; i < bits.length; i++) assert.equal(await s.functions.halfBits(t, i), bits[i]);
      const u = await s.array(bits, { dtype: DType.uint16 });
      await rejects(s.functions.halfBits(u, 0), 'device function failed with error 1');
      await Promise.all([t.free(), u.free()]);
    });
    it('float16 and bfloat16 encodings: every one widened exactly; narrowing rounds to nearest even', async () => {
      const n = 1024;
      const src = await s.empty([n], DType.uint16);
      const wide = await s.empty([n], DType.uint32);
      const asF32 = (b: Uint8Array): Float32Array => new Float32Array(b.slice().buffer);
      for (const [k, value] of [[0, halfValue], [1, bf16Value]] as const) {
        for (let start = 0; start < 0x10000; start += n) {
          const hs = Uint16Array.from({ length: n }, (_, i) => start + i);
          await src.copyFrom(raw(hs));
          await s.functions.widenBits(src, wide, k);
          const got = asF32(await wide.copyTo());
          hs.forEach((h, i) => assert.ok(Object.is(got[i], value(h)) || (Number.isNaN(got[i]) && Number.isNaN(value(h))),
            `${k === 0 ? 'float16' : 'bfloat16'} 0x${h.toString(16)}: ${got[i]} != ${value(h)}`));
        }
      }
      const cases = narrowCases(stride);
      const input = await s.empty([n], DType.uint32);
      const out = await s.empty([n], DType.uint16);
      for (const [k, ref] of [[0, toHalfRef], [1, toBf16Ref]] as const) {
        for (let start = 0; start < cases.length; start += n) {
          const chunk = Uint32Array.from({ length: n }, (_, i) => cases[(start + i) % cases.length]);
          await input.copyFrom(raw(chunk));
          await s.functions.narrowBits(input, out, k);
          const got = new Uint16Array((await out.copyTo()).slice().buffer);
          const xs = new Float32Array(chunk.buffer);
          xs.forEach((x, i) => assert.equal(got[i], ref(x), `${k === 0 ? 'float16' : 'bfloat16'} of 0x${chunk[i].toString(16)} (${x}): 0x${got[i].toString(16)}`));
        }
      }
      await Promise.all([src, wide, input, out].map((t) => t.free()));
    });
    it('str arguments and results: UTF-8 bytes, empty strings, a view of the request', async () => {
      assert.equal(await s.functions.strLength(''), 0);
      assert.equal(await s.functions.strLength('héllo'), 6);
      assert.equal(await s.functions.strAt('abc', 1), 0x62);
      assert.equal(await s.functions.greet('urpc'), 'hi, urpc');
      assert.equal(await s.functions.greet(''), 'hi, ');
      assert.equal(await s.functions.greet('x'.repeat(100)), 'hi, ' + 'x'.repeat(60));
      assert.equal(await s.functions.echoStr('naïve ☃'), 'naïve ☃');
      const long = 'L'.repeat(1500);
      assert.equal(await s.functions.echoStr(long), long);
      await rejects(s.functions.strAt('abc', 3), /^device function strAt panicked: Bounds \(index outside a buffer\) at firmware\/app\/api\.ts:\d+$/);
    });
    it('bytes arguments and results', async () => {
      assert.deepEqual(await s.functions.reverse(Uint8Array.of(1, 2, 3, 0, 255)), Uint8Array.of(255, 0, 3, 2, 1));
      assert.deepEqual(await s.functions.reverse(new Uint8Array(0)), new Uint8Array(0));
      await rejects(s.functions.reverse(new Uint8Array(300)), 'device function failed with error 2');
      assert.equal(await s.functions.countByte(Uint8Array.of(7, 1, 7, 7), 7), 3);
      assert.deepEqual(await s.functions.copy8(Uint8Array.of(9, 8, 7)), Uint8Array.of(9, 8, 7));
      await rejects(s.functions.copy8(new Uint8Array(9)), /^device function copy8 panicked: Bounds \(index outside a buffer\) at firmware\/app\/api\.ts:\d+$/);
    });
    it('a wrong type code for a str or bytes parameter is an exception naming it; then a good call', async () => {
      const call = async (fn: string, args: Value[], re: RegExp) => {
        const h = await s.client.func(fn);
        const r = await s.client.request(callFuncPacket(h, args), fn);
        assert.equal(r.code, RPCCode.Exception);
        assert.match(r.message, re);
      };
      await call('strLength', [int(5)], /^argument 0: expected a str \(type code 11\), got type code 0$/);
      await call('strLength', [{ type: 'bytes', value: Uint8Array.of(1) }], /^argument 0: expected a str \(type code 11\), got type code 12$/);
      await call('countByte', [str('ab'), int(1)], /^argument 0: expected bytes \(type code 12\), got type code 11$/);
      assert.equal(await s.functions.strLength('ok'), 2);
    });
    it('urpc.info lists str and bytes signatures', async () => {
      const info = await s.info();
      const sig = (n: string) => info.functions.find((f) => f.name === n)?.signature;
      assert.equal(sig('greet'), '(str name) -> str');
      assert.equal(sig('reverse'), '(bytes b) -> bytes');
      assert.equal(sig('bump'), '(tensor src, tensor dst, u8 kind, i32 k) -> i32');
    });
  });
}

describe('generated host types of str and bytes parameters and results', () => {
  it('Str is string, Blob is Uint8Array, in parameters and in the Promise of the result', () => {
    const dts = renderDts(readApp(APP).functions, APP, APP);
    assert.match(dts, /^  greet\(name: string\): Promise<string>;$/m);
    assert.match(dts, /^  reverse\(b: Uint8Array\): Promise<Uint8Array>;$/m);
    assert.match(dts, /^  countByte\(b: Uint8Array, v: number\): Promise<number>;$/m);
  });
});

suite('LocalSession', async () => connect<AppFunctions>('local', { app: await loadApp(APP) }));
suite('native', async () => connect<AppFunctions>(`native:${await withApp('native')}`));
suite('qemu:lm3s6965evb', async (ctx) => {
  requireTools(ctx, QEMU_TOOLS);
  return connect<AppFunctions>(`qemu:lm3s6965evb?elf=${await withApp('qemu-lm3s6965evb')}`);
}, 61);
